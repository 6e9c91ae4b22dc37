import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import * as fc from 'fast-check'
import { type Address, BaseError, ContractFunctionRevertedError } from 'viem'
import { DECIMALS, type DevnetWorld, SYMBOLS, type Collateral, TRADERS } from './world.js'

/** One step of a sequence: fast-check's async command over the world, which is both model and system. */
type Step = fc.AsyncCommand<DevnetWorld, DevnetWorld>

const BPS = 10_000n
const E18 = 10n ** 18n
const USD8 = 10n ** 8n
/** the devnet markets' bounds (the config defaults): entry within 20% of the mark, notional up to 10^9 USD */
const ENTRY_BAND_BPS = 2000n
const MAX_NOTIONAL_USD8 = 10n ** 17n
const MIN_ETH_USD8 = 800n * USD8
const MAX_ETH_USD8 = 4000n * USD8

const label = (w: DevnetWorld, trader: number) => `trader ${trader} (${w.traders[trader]!.address})`
const priceOf = (w: DevnetWorld, symbol: Collateral) => (symbol === 'ETH' ? w.ethPriceUsd8 : USD8)

class Deposit implements Step {
  constructor(
    readonly trader: number,
    readonly chain: number,
    readonly symbol: Collateral,
    readonly usd: number,
  ) {}
  check = () => true
  async run(w: DevnetWorld) {
    const t = w.traders[this.trader]!
    const amount = (BigInt(this.usd) * USD8 * 10n ** BigInt(DECIMALS[this.symbol])) / priceOf(w, this.symbol)
    await userDeposit(w.p.devnet, { chainId: w.chainIds[this.chain]!, key: t.key, symbol: this.symbol, amount })
  }
  toString = () => `deposit(trader ${this.trader}, chain #${this.chain}, ${this.usd} USD of ${this.symbol})`
}

/** The report shapes the venue can send, and whether the hub must accept them. */
const reportKinds = ['valid', 'close', 'outOfBand', 'zeroEntry', 'hugeSize'] as const
type ReportKind = (typeof reportKinds)[number]

class Report implements Step {
  constructor(
    readonly trader: number,
    readonly kind: ReportKind,
    readonly halfEth: number,
    readonly deviationBps: number,
  ) {}
  check = () => true
  async run(w: DevnetWorld) {
    const account = w.traders[this.trader]!.address
    const last = w.sequences.get(account) ?? 0n
    const mark = w.ethPriceUsd8
    const report = { account, size: (BigInt(this.halfEth) * E18) / 2n, entryPrice: (mark * (BPS + BigInt(this.deviationBps))) / BPS, sequence: last + 1n }
    if (this.kind === 'close') report.size = 0n
    if (this.kind === 'outOfBand') report.entryPrice = (mark * (BPS + (this.deviationBps >= 0 ? 1n : -1n) * (ENTRY_BAND_BPS + 500n))) / BPS
    if (this.kind === 'zeroEntry') report.entryPrice = 0n
    if (this.kind === 'hugeSize') report.size = ((MAX_NOTIONAL_USD8 * E18) / mark + E18) * (this.halfEth < 0 ? -1n : 1n)
    const status = await w.report(report)
    const mustAccept = this.kind === 'valid' || this.kind === 'close'
    if (mustAccept && status !== 200) throw new Error(`The hub refused a ${this.kind} report of ${label(w, this.trader)} with ${status}.`)
    if (!mustAccept && (status < 400 || status >= 500))
      throw new Error(`The hub answered a ${this.kind} report with ${status}, not a 4xx refusal: entry ${report.entryPrice}, size ${report.size}, mark ${mark}.`)
    if (status === 200) w.sequences.set(account, report.sequence)
  }
  toString = () => `report(trader ${this.trader}, ${this.kind}, ${this.halfEth / 2} ETH, ${this.deviationBps} bps from the mark)`
}

class Withdraw implements Step {
  constructor(
    readonly trader: number,
    readonly chain: number,
    readonly symbol: Collateral,
    readonly fractionBps: number,
  ) {}
  check = () => true
  async run(w: DevnetWorld) {
    const t = w.traders[this.trader]!
    const chainId = w.chainIds[this.chain]!
    const view = await fetch(`${w.p.node.apiUrl}/v1/accounts/${t.address}`).then((r) => (r.ok ? (r.json() as Promise<{ freeCollateralUsd8: string }>) : undefined))
    const free = BigInt(view?.freeCollateralUsd8 ?? '0')
    const unit = 10n ** BigInt(DECIMALS[this.symbol])
    let amount = ((free > 0n ? free : 0n) * BigInt(this.fractionBps) * unit) / (BPS * priceOf(w, this.symbol))
    if (amount === 0n) amount = (10n * USD8 * unit) / priceOf(w, this.symbol)
    try {
      const { requestId } = await userRequestWithdrawal(w.p.devnet, { chainId, key: t.key, symbol: this.symbol, amount })
      w.requests.push({ chainId, requestId, account: t.address as Address })
    } catch (error) {
      // a vault refuses requests of a locked account outright; nothing is escrowed
      if (isRevert(error, 'AccountIsLocked')) return
      throw error
    }
  }
  toString = () => `withdraw(trader ${this.trader}, chain #${this.chain}, ${this.symbol}, ${this.fractionBps / 100}% of free collateral)`
}

function isRevert(error: unknown, name: string) {
  if (!(error instanceof BaseError)) return false
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
  return (revert instanceof ContractFunctionRevertedError && revert.data?.errorName === name) || error.message.includes(name)
}

class Price implements Step {
  constructor(readonly moveBps: number) {}
  check = () => true
  async run(w: DevnetWorld) {
    const next = (w.ethPriceUsd8 * (BPS + BigInt(this.moveBps))) / BPS
    await w.postEthPrice(next < MIN_ETH_USD8 ? MIN_ETH_USD8 : next > MAX_ETH_USD8 ? MAX_ETH_USD8 : next)
  }
  toString = () => (this.moveBps === 0 ? 'price(the same ETH price re-posted)' : `price(ETH ${this.moveBps > 0 ? '+' : ''}${this.moveBps / 100}%)`)
}

class Restart implements Step {
  check = () => true
  async run(w: DevnetWorld) {
    await w.p.restartNode()
  }
  toString = () => 'restart(the node)'
}

const trader = fc.nat(TRADERS - 1)
const chain = fc.nat(2)
const symbol = fc.constantFrom(...SYMBOLS)

const deposit = fc.tuple(trader, chain, symbol, fc.integer({ min: 100, max: 10_000 })).map(([t, c, s, usd]) => new Deposit(t, c, s, usd))
const report = fc
  .tuple(trader, fc.constantFrom(...reportKinds, 'valid', 'valid', 'valid'), fc.integer({ min: -80, max: 80 }), fc.integer({ min: -500, max: 500 }))
  .map(([t, k, h, d]) => new Report(t, k as ReportKind, h, d))
// within free collateral (up to 90%) or beyond it (110% to 300%)
const withdraw = fc
  .tuple(trader, chain, symbol, fc.oneof(fc.integer({ min: 100, max: 9_000 }), fc.integer({ min: 11_000, max: 30_000 })))
  .map(([t, c, s, f]) => new Withdraw(t, c, s, f))
const price = fc.oneof(fc.constant(0), fc.integer({ min: -2500, max: 1500 })).map((bps) => new Price(bps))

/** The steps a sequence is drawn from, repeated to weight them toward what moves money. */
export const steps = [deposit, deposit, report, report, withdraw, price, price, fc.constant(new Restart())]
