import { and, commands, eq, transitionCommand, withdrawals } from '@unimargin/db'
import * as fc from 'fast-check'
import type { Address } from 'viem'
import { E18 } from '../../test-utils.js'
import { assetOf, chainIds, decimalsOf, ENTRY_BAND_BPS, MAX_NOTIONAL_USD8, traders, type World } from './world.js'

/** One step of a sequence: fast-check's async command over the world, which is both model and system. */
type Step = fc.AsyncCommand<World, World>

const BPS = 10_000n
const label = (a: Address) => `0x…${a.slice(-4)}`

class Deposit implements Step {
  constructor(
    readonly account: Address,
    readonly chainId: number,
    readonly usd: number,
    readonly confirmed: boolean,
  ) {}
  check = () => true
  async run(w: World) {
    const asset = assetOf[this.chainId]!
    const amount = (BigInt(this.usd) * 10n ** BigInt(decimalsOf[this.chainId]!)) / (asset === assetOf[chainIds[0]] ? 2000n : 1n)
    const events = w.vault(this.chainId).deposit(this.account, asset, amount)
    if (this.confirmed) await w.emit(this.chainId, events)
    else w.unconfirmed.get(this.chainId)!.push({ account: this.account, asset, amount, events })
    await w.process()
  }
  toString = () => `deposit(${label(this.account)}, chain ${this.chainId}, ${this.usd} USD, ${this.confirmed ? 'confirmed' : 'unconfirmed'})`
}

class Confirm implements Step {
  constructor(readonly chainId: number) {}
  check = () => true
  async run(w: World) {
    await w.confirm(this.chainId)
    await w.process()
  }
  toString = () => `confirm(chain ${this.chainId})`
}

/** The report shapes a venue (or a forger holding its key) can send, and whether the hub must accept them. */
export const reportKinds = ['valid', 'close', 'outOfBand', 'maxEntry', 'zeroEntry', 'minSize', 'hugeSize', 'bigSequence', 'replay', 'foreignHub'] as const
type ReportKind = (typeof reportKinds)[number]

class Report implements Step {
  constructor(
    readonly account: Address,
    readonly kind: ReportKind,
    readonly halfEth: number,
    readonly deviationBps: number,
  ) {}
  check = () => true
  async run(w: World) {
    const last = w.sequences.get(this.account) ?? 0n
    const mark = w.ethPriceUsd8
    const report = { account: this.account, size: (BigInt(this.halfEth) * E18) / 2n, entryPrice: (mark * (BPS + BigInt(this.deviationBps))) / BPS, sequence: last + 1n }
    switch (this.kind) {
      case 'close':
        report.size = 0n
        break
      case 'outOfBand':
        report.entryPrice = (mark * (BPS + (this.deviationBps >= 0 ? 1n : -1n) * (ENTRY_BAND_BPS + 500n))) / BPS
        break
      case 'maxEntry':
        report.entryPrice = 2n ** 256n - 1n
        break
      case 'zeroEntry':
        report.entryPrice = 0n
        break
      case 'minSize':
        report.size = -(2n ** 255n)
        break
      case 'hugeSize':
        report.size = ((MAX_NOTIONAL_USD8 * E18) / mark + E18) * (this.halfEth < 0 ? -1n : 1n)
        break
      case 'bigSequence':
        report.sequence = 2n ** 63n
        break
      case 'replay':
        report.sequence = last
        break
    }
    // signed for another deployment (another hub address) with the same reporter key and hub chain
    const status = await w.report(report, this.kind === 'foreignHub' ? w.foreignDomain : w.domain)
    const mustAccept = this.kind === 'valid' || this.kind === 'close'
    if (mustAccept && status !== 200) throw new Error(`The hub refused a ${this.kind} report with ${status}.`)
    if (!mustAccept && (status < 400 || status >= 500))
      throw new Error(`The hub answered a ${this.kind} report with ${status}, not a 4xx refusal: entry ${report.entryPrice}, size ${report.size}, sequence ${report.sequence}.`)
    if (status === 200) {
      w.sequences.set(this.account, report.sequence)
      w.accepted.push({ account: this.account, entryPrice: report.entryPrice, size: report.size })
    }
    await w.process()
  }
  toString = () => `report(${label(this.account)}, ${this.kind}, ${this.halfEth / 2} ETH, ${this.deviationBps} bps from the mark)`
}

class Withdraw implements Step {
  constructor(
    readonly account: Address,
    readonly chainId: number,
    readonly fractionBps: number,
  ) {}
  check = () => true
  async run(w: World) {
    const m = await w.modelMargin(this.account)
    const freeUsd8 = m.equityUsd8 > m.imUsd8 ? m.equityUsd8 - m.imUsd8 : 0n
    const asset = assetOf[this.chainId]!
    const priceUsd8 = this.chainId === chainIds[0] ? w.ethPriceUsd8 : 10n ** 8n
    let amount = (freeUsd8 * BigInt(this.fractionBps) * 10n ** BigInt(decimalsOf[this.chainId]!)) / (BPS * priceUsd8)
    if (amount === 0n) amount = 10n ** BigInt(decimalsOf[this.chainId]!)
    const made = w.vault(this.chainId).requestWithdrawal(this.account, asset, amount, w.emitter.ts)
    if (!made) return
    await w.emit(this.chainId, made.events)
    await w.process()
    const [row] = await w.db
      .select()
      .from(withdrawals)
      .where(and(eq(withdrawals.chainId, this.chainId), eq(withdrawals.requestId, made.request.requestId)))
    if (row?.state === 'approved') {
      const after = await w.modelMargin(this.account)
      if (after.equityUsd8 < after.imUsd8)
        throw new Error(`The hub approved request ${made.request.requestId} leaving equity ${after.equityUsd8} below initial margin ${after.imUsd8} (usd8).`)
    }
  }
  toString = () => `withdraw(${label(this.account)}, chain ${this.chainId}, ${this.fractionBps / 100}% of free collateral)`
}

class Cancel implements Step {
  constructor(
    readonly account: Address,
    readonly chainId: number,
  ) {}
  check = () => true
  async run(w: World) {
    const vault = w.vault(this.chainId)
    const oldest = [...vault.requests.values()].find((r) => r.status === 'pending' && r.account === this.account)
    const events = oldest && vault.cancelWithdrawal(oldest.requestId, w.emitter.ts)
    if (!events) return
    await w.emit(this.chainId, events)
    await w.process()
  }
  toString = () => `cancel(${label(this.account)}, chain ${this.chainId})`
}

class Price implements Step {
  constructor(readonly moveBps: number) {}
  check = () => true
  async run(w: World) {
    const next = (w.ethPriceUsd8 * (BPS + BigInt(this.moveBps))) / BPS
    const lo = 1000n * 10n ** 8n
    const hi = 4000n * 10n ** 8n
    w.ethPriceUsd8 = next < lo ? lo : next > hi ? hi : next
    await w.postEthPrice()
    await w.process()
  }
  toString = () => (this.moveBps === 0 ? 'price(the same ETH price re-posted)' : `price(ETH ${this.moveBps > 0 ? '+' : ''}${this.moveBps / 100}%)`)
}

class Tick implements Step {
  constructor(readonly seconds: number) {}
  check = () => true
  async run(w: World) {
    w.emitter.tick(this.seconds)
    await w.postPrices()
    await w.process()
  }
  toString = () => `tick(${this.seconds} s, prices re-posted)`
}

class Deliver implements Step {
  constructor(
    readonly pick: number,
    readonly replay: boolean,
  ) {}
  check = () => true
  async run(w: World) {
    const pending = await w.undelivered()
    if (pending.length > 0) {
      await w.deliver(pending[this.pick % pending.length]!)
      await w.process()
    }
    if (this.replay) {
      // the same command arriving again, over the other transport: the vault refuses it as executed
      const done = (await w.db.select().from(commands)).filter((c) => w.vault(c.destChainId).executed.has(c.id as `0x${string}`))
      const again = done[this.pick % Math.max(done.length, 1)]
      if (again && (await w.deliver(again))) throw new Error(`Vault on chain ${again.destChainId} executed command ${again.id} twice.`)
      await w.process()
    }
  }
  toString = () => `deliver(#${this.pick}${this.replay ? ', then replay one over the other transport' : ''})`
}

/**
 * The co-signers refuse a Lock still in the outbox as a healthy account (they may have seen a deposit the hub has not,
 * or be wrong): the relayer records the refusal in a `failed` transition, as `relayer.ts` does. The hub decides again
 * on its own view; the command stays undelivered and may still be carried later (a retry the co-signers sign).
 */
class RefuseLock implements Step {
  constructor(readonly pick: number) {}
  check = () => true
  async run(w: World) {
    const undelivered = new Set((await w.undelivered()).map((c) => c.id))
    const locks = (await w.db.select().from(commands).where(eq(commands.kind, 'Lock'))).filter((c) => undelivered.has(c.id) && (c.state === 'pending' || c.state === 'failed'))
    const lock = locks.sort((a, b) => (a.id < b.id ? -1 : 1))[this.pick % Math.max(locks.length, 1)]
    if (!lock) return
    const refusals = [{ coSigner: 'model', status: 409, code: 'healthy_account', reason: 'not below the liquidation trigger by this co-signer\'s view' }]
    await transitionCommand(w.db, lock, 'failed', { error: 'co-signers refused', attempts: lock.attempts + 1, refusals }, { attempts: lock.attempts + 1 })
    w.emitter.tick(1)
    await w.postPrices()
    await w.process()
  }
  toString = () => `refuseLock(#${this.pick})`
}

class Restart implements Step {
  constructor(readonly failAtCall: number) {}
  check = () => true
  async run(w: World) {
    // a price lands and the node dies inside the transaction that applies it; a new process takes over
    await w.postPrices()
    let calls = 0
    const dying = w.newAggregator(() => {
      if (++calls === this.failAtCall) throw new Error('killed')
      return w.now()
    })
    await dying.processPending().catch(() => undefined)
    w.aggregator = w.newAggregator()
    await w.process()
  }
  toString = () => `restart(killed at clock read ${this.failAtCall})`
}

/** A client that tries to stall the node: an integer of thousands of digits, or a body far over the limit. */
class Hostile implements Step {
  constructor(
    readonly kind: 'hugeInteger' | 'hugeBody',
    readonly digits: number,
  ) {}
  check = () => true
  async run(w: World) {
    const size = '9'.repeat(this.digits)
    const body = JSON.stringify(
      this.kind === 'hugeInteger'
        ? { positions: [{ market: 'ETH-PERP', size }] }
        : { positions: [{ market: 'ETH-PERP', size: '1' }], padding: 'x'.repeat(this.digits * 100) },
    )
    const res = await w.app.request(`/v1/accounts/${traders[0]}/what-if`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    if (res.status < 400 || res.status >= 500) throw new Error(`The API answered a ${this.kind} what-if of ${body.length} bytes with ${res.status}, not a 4xx refusal.`)
    await w.process()
  }
  toString = () => `hostile(${this.kind}, ${this.digits} digits)`
}

class Settle implements Step {
  constructor(readonly seed: number) {}
  check = () => true
  async run(w: World) {
    let s = this.seed
    await w.settle((n) => {
      s = (s * 1_103_515_245 + 12_345) % 2 ** 31
      return s % n
    })
  }
  toString = () => `settle(order ${this.seed})`
}

const account = fc.constantFrom(...traders)
const chain = fc.constantFrom(...chainIds)

const deposit = fc.tuple(account, chain, fc.integer({ min: 1, max: 20_000 }), fc.boolean()).map(([a, c, usd, ok]) => new Deposit(a, c, usd, ok))
const report = fc
  .tuple(account, fc.constantFrom(...reportKinds, 'valid', 'valid', 'valid', 'valid', 'valid'), fc.integer({ min: -80, max: 80 }), fc.integer({ min: -500, max: 500 }))
  .map(([a, k, h, d]) => new Report(a, k as ReportKind, h, d))
const withdraw = fc.tuple(account, chain, fc.integer({ min: 1, max: 30_000 })).map(([a, c, f]) => new Withdraw(a, c, f))
const price = fc.oneof(fc.constant(0), fc.integer({ min: -2500, max: 1500 })).map((bps) => new Price(bps))
const deliver = fc.tuple(fc.nat(64), fc.boolean()).map(([p, r]) => new Deliver(p, r))

/** The steps a sequence is drawn from, repeated to weight them toward what moves money. */
export const steps = [
  deposit,
  deposit,
  deposit,
  report,
  report,
  report,
  withdraw,
  withdraw,
  price,
  price,
  price,
  deliver,
  deliver,
  deliver,
  chain.map((c) => new Confirm(c)),
  fc.tuple(account, chain).map(([a, c]) => new Cancel(a, c)),
  fc.integer({ min: 10, max: 600 }).map((s) => new Tick(s)),
  fc.integer({ min: 1, max: 12 }).map((n) => new Restart(n)),
  fc.tuple(fc.constantFrom('hugeInteger' as const, 'hugeBody' as const), fc.integer({ min: 1000, max: 20_000 })).map(([k, d]) => new Hostile(k, d)),
  fc.nat(1_000_000).map((s) => new Settle(s)),
  fc.nat(64).map((p) => new RefuseLock(p)),
  fc.nat(64).map((p) => new RefuseLock(p)),
]
