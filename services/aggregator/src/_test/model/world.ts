import { type Config, defineConfig } from '@unimargin/chains'
import {
  accounts,
  chainEvents,
  collateralBalances,
  commands,
  commandTransitions,
  type Db,
  eq,
  insuranceFund,
  isNull,
  liquidations,
  positions,
  sql,
  withdrawals,
} from '@unimargin/db'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { computeAccountMargin } from '@unimargin/risk'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Address, Hex } from 'viem'
import { type Aggregator, createAggregator } from '../../aggregator/index.js'
import { createApi } from '../../api/index.js'
import { A, addr, B, C, createEmitter, E6, E18, feeds, receiver, reporter, silentLogger, tokens, usd, vaults } from '../../test-utils.js'
import { SimVault, type VaultEvent } from './simVault.js'

/** The accounts a sequence acts for; `lp` funds every vault so payouts are not capped by liquidity alone. */
export const traders = [addr(0xa11ce), addr(0xb0b)] as const
export const lp = addr(0x11b)
/** Each chain's one collateral asset: WETH on A (also the ETH mark), USDC on B and C. */
export const assetOf = { [A]: tokens.wethA, [B]: tokens.usdcB, [C]: tokens.usdcC } as Record<number, Address>
export const decimalsOf = { [A]: 18, [B]: 6, [C]: 6 } as Record<number, number>
export const chainIds = [A, B, C] as const
export const INSURANCE_FUND_USD8 = usd(100_000)
export const REQUEST_TIMEOUT_SECONDS = 900n
/** market bounds the model checks reports against: entry within 10% of the mark, notional up to 1 000 000 USD */
export const ENTRY_BAND_BPS = 1000n
export const MAX_NOTIONAL_USD8 = usd(1_000_000)
export const MAX_PRICE_AGE_SECONDS = 3600n

/** Three chains, one asset each, one ETH perpetual with tight report bounds; commands live long enough for any sequence. */
export function modelConfig(): Config {
  const chain = (chainId: number, asset: { symbol: string; address: Address; decimals: number; feed: Address; haircutBps: number }) => ({
    name: `chain-${chainId}`,
    chainId,
    wormholeChainId: chainId - 1000,
    rpcUrl: 'http://127.0.0.1:1',
    wormhole: addr(0x1000 + chainId),
    vault: vaults[chainId]!,
    assets: [asset],
  })
  return defineConfig({
    hub: { chainId: A, address: addr(0x4b) },
    chains: [
      chain(A, { symbol: 'ETH', address: tokens.wethA, decimals: 18, feed: feeds.ethA, haircutBps: 1000 }),
      chain(B, { symbol: 'USDC', address: tokens.usdcB, decimals: 6, feed: feeds.usdcB, haircutBps: 0 }),
      chain(C, { symbol: 'USDC', address: tokens.usdcC, decimals: 6, feed: feeds.usdcC, haircutBps: 0 }),
    ],
    markets: [
      {
        symbol: 'ETH-PERP',
        underlying: 'ETH',
        imfBps: 1000,
        mmfBps: 500,
        maxEntryDeviationBps: Number(ENTRY_BAND_BPS),
        maxNotionalUsd8: MAX_NOTIONAL_USD8.toString(),
      },
    ],
    guardians: {},
    venue: { reporter: reporter.address },
    relayer: { privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' },
    liquidation: { receiver, penaltyBps: 100, insuranceFundUsd8: INSURANCE_FUND_USD8 },
    withdrawalBufferUsd8: 0n,
    commandTtlSeconds: 30 * 86_400,
    maxPriceAgeSeconds: Number(MAX_PRICE_AGE_SECONDS),
  })
}

type Unconfirmed = { account: Address; asset: Address; amount: bigint; events: VaultEvent[] }

/**
 * The hub under test (the real aggregator and API on one database) and the chains played by the model: a
 * {@link SimVault} per chain, deposits held back until their confirmations, the oracle's ETH price and the
 * venue's report sequences. Checks raise `Error`s that say which invariant broke.
 */
export class World {
  readonly config = modelConfig()
  readonly emitter
  readonly vaults = new Map<number, SimVault>(chainIds.map((id) => [id, new SimVault(id, REQUEST_TIMEOUT_SECONDS)]))
  readonly unconfirmed = new Map<number, Unconfirmed[]>(chainIds.map((id) => [id, []]))
  readonly domain
  readonly foreignDomain
  aggregator: Aggregator
  app: OpenAPIHono
  ethPriceUsd8 = usd(2000)
  priceRound = 1n
  readonly sequences = new Map<string, bigint>()
  /** every report the hub accepted: the only entries a liquidation may close */
  readonly accepted: { account: Address; entryPrice: bigint; size: bigint }[] = []
  /** lock epoch per account as of the last check */
  readonly epochs = new Map<string, number>()

  constructor(readonly db: Db) {
    this.emitter = createEmitter(db)
    this.domain = positionReportDomain({ name: this.config.venue.domainName, chainId: this.config.hub.chainId, verifyingContract: this.config.hub.address })
    this.foreignDomain = { ...this.domain, verifyingContract: addr(0x4c) }
    this.aggregator = this.newAggregator()
    this.app = createApi({ db, config: this.config, now: this.now })
  }

  /** the chains' clock as a Date: block timestamps drive the hub's valuation */
  readonly now = () => new Date(Number(this.emitter.ts) * 1000)

  newAggregator(now: () => Date = this.now): Aggregator {
    return createAggregator({ db: this.db, config: this.config, logger: silentLogger, now })
  }

  /** Funds every vault, posts the first prices and lets the hub see them. */
  async start() {
    for (const chainId of chainIds) {
      const amount = chainId === A ? 500n * E18 : 1_000_000n * E6
      await this.emit(chainId, this.vault(chainId).deposit(lp, assetOf[chainId]!, amount))
    }
    await this.postPrices()
    await this.process()
  }

  vault(chainId: number): SimVault {
    return this.vaults.get(chainId)!
  }

  async emit(chainId: number, events: VaultEvent[]) {
    for (const e of events) await this.emitter.emit(chainId, vaults[chainId]!, e.name, e.args)
  }

  /** Posts the oracle's ETH price (the mark and the WETH collateral price), unchanged or not. */
  async postEthPrice() {
    this.priceRound++
    await this.emitter.price(A, feeds.ethA, this.ethPriceUsd8, this.priceRound)
  }

  /** Posts every feed's price. */
  async postPrices() {
    await this.postEthPrice()
    await this.emitter.price(B, feeds.usdcB, usd(1), this.priceRound)
    await this.emitter.price(C, feeds.usdcC, usd(1), this.priceRound)
  }

  /** Lets the aggregator apply every event written so far, then checks the invariants that hold at every step. */
  async process() {
    await this.aggregator.processPending(100_000)
    await this.checkStep()
  }

  /** Writes a chain's held-back deposits, as a watcher does once they have their confirmations. */
  async confirm(chainId: number) {
    const held = this.unconfirmed.get(chainId)!
    this.unconfirmed.set(chainId, [])
    for (const d of held) await this.emit(chainId, d.events)
  }

  /** Signs a report as the venue and posts it to the API. @returns the HTTP status. */
  async report(report: { account: Address; size: bigint; entryPrice: bigint; sequence: bigint }, domain = this.domain): Promise<number> {
    const full = { ...report, market: 'ETH-PERP' }
    const signature = await signPositionReport(reporter, full, domain)
    const body = JSON.stringify({
      report: { ...full, size: full.size.toString(), entryPrice: full.entryPrice.toString(), sequence: full.sequence.toString() },
      signature,
    })
    const res = await this.app.request('/v1/positions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return res.status
  }

  /** Commands in the outbox that their destination vault has not executed, in id order. */
  async undelivered() {
    const rows = await this.db.select({ id: commands.id, destChainId: commands.destChainId, payload: commands.payload }).from(commands)
    return rows
      .filter((c) => !this.vault(c.destChainId).executed.has(c.id as Hex))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
  }

  /** Carries one command to its vault (as either transport would) and writes what the vault emitted. */
  async deliver(command: { id: string; destChainId: number; payload: string }) {
    const events = this.vault(command.destChainId).execute(command.id as Hex, command.payload as Hex, this.emitter.ts)
    if (events) await this.emit(command.destChainId, events)
    return events !== undefined
  }

  /**
   * Delivers every command (in the order `order` picks), confirms every deposit and lets the hub react, until the
   * outbox holds nothing undelivered; then checks the invariants of a settled system.
   * @throws Error when it does not settle within 40 rounds.
   */
  async settle(order: (n: number) => number = () => 0) {
    for (let round = 0; round < 40; round++) {
      for (const chainId of chainIds) await this.confirm(chainId)
      await this.process()
      const pending = await this.undelivered()
      if (pending.length === 0) return this.checkSettled()
      while (pending.length > 0) {
        const [next] = pending.splice(order(pending.length) % pending.length, 1)
        await this.deliver(next!)
        await this.process()
      }
    }
    throw new Error('The outbox did not settle within 40 delivery rounds.')
  }

  // ---- the reference model ----

  /** Deposits not yet confirmed, per (chain, account). */
  private unconfirmedOf(chainId: number, account: string) {
    return this.unconfirmed
      .get(chainId)!
      .filter((d) => d.account.toLowerCase() === account.toLowerCase())
      .reduce((sum, d) => sum + d.amount, 0n)
  }

  /**
   * The account's equity and maintenance margin as the model values them: confirmed free balances plus escrows
   * that can no longer be paid (the vault still holds the request but the only commands for it are refusals),
   * at the model's prices; positions and settled P&L as the hub holds them (the report checks pin those).
   */
  async modelMargin(account: Address) {
    const commandRows = await this.db.select({ id: commands.id, kind: commands.kind, cause: commands.cause, destChainId: commands.destChainId }).from(commands)
    const items = []
    // an escrow that may still be paid out is collateral a Lock must stop
    let inFlight = false
    for (const chainId of chainIds) {
      const vault = this.vault(chainId)
      let amount = vault.balanceOf(account, assetOf[chainId]!) - this.unconfirmedOf(chainId, account)
      for (const r of vault.requests.values()) {
        if (r.status !== 'pending' || r.account.toLowerCase() !== account.toLowerCase()) continue
        const mine = commandRows.filter((c) => c.destChainId === chainId && c.cause === `withdrawal:${chainId}:${r.requestId}`)
        const payable = mine.some((c) => c.kind === 'ApproveWithdrawal' && (vault.executed.get(c.id as Hex) ?? 'applied') === 'applied')
        const refused = mine.some((c) => c.kind === 'RejectWithdrawal')
        if (refused && !payable) amount += r.amount
        else inFlight = true
      }
      if (amount === 0n) continue
      const asset = this.config.chains.find((c) => c.chainId === chainId)!.assets[0]!
      const priceUsd8 = asset.symbol === 'ETH' ? this.ethPriceUsd8 : usd(1)
      items.push({ chainId, symbol: asset.symbol, asset: asset.address, amount, decimals: asset.decimals, priceUsd8, haircutBps: asset.haircutBps })
    }
    const rows = await this.db.select().from(positions).where(eq(positions.account, account))
    const [row] = await this.db.select().from(accounts).where(eq(accounts.address, account))
    const margin = computeAccountMargin({
      collateral: items,
      positions: rows.map((p) => ({ market: p.market, size: p.size, entryPrice: p.entryPrice, markPrice: this.ethPriceUsd8, imfBps: 1000, mmfBps: 500 })),
      settledPnlUsd8: row?.settledPnl ?? 0n,
    })
    return { equityUsd8: margin.equityUsd8, mmUsd8: margin.mmUsd8, imUsd8: margin.imUsd8, collateralSeen: inFlight || items.some((i) => i.amount > 0n) }
  }

  // ---- invariants ----

  /**
   * Holds after every step:
   * - an account the hub locked in this step was below maintenance margin by the model (counting only withdrawals
   *   that can still be paid) and had collateral the hub had seen;
   * - the hub's balances equal the vaults' less the deposits not yet confirmed;
   * - every escrow a vault holds for a request the hub has seen has a command that will answer it;
   * - the insurance fund moved only by what liquidations covered, and each closed only positions of accepted reports.
   */
  async checkStep() {
    for (const row of await this.db.select().from(accounts)) {
      const before = this.epochs.get(row.address) ?? 0
      if (row.lockEpoch === before) continue
      this.epochs.set(row.address, row.lockEpoch)
      const m = await this.modelMargin(row.address as Address)
      if (!m.collateralSeen) fail(`${row.address} was locked at epoch ${row.lockEpoch} with no collateral the hub has seen`)
      if (m.equityUsd8 >= m.mmUsd8)
        fail(`${row.address} was locked at epoch ${row.lockEpoch} with equity ${m.equityUsd8} ≥ maintenance margin ${m.mmUsd8} (usd8) by the model`)
    }
    const ledger = await this.db.select().from(collateralBalances)
    for (const chainId of chainIds) {
      const vault = this.vault(chainId)
      const keys = new Set([...vault.balances.keys(), ...ledger.filter((b) => b.chainId === chainId).map((b) => `${b.account.toLowerCase()}|${b.asset.toLowerCase()}`)])
      for (const key of keys) {
        const [account, asset] = key.split('|') as [string, string]
        const expected = vault.balanceOf(account, asset) - this.unconfirmedOf(chainId, account)
        const held = ledger.find((b) => b.chainId === chainId && b.account.toLowerCase() === account && b.asset.toLowerCase() === asset)?.amount ?? 0n
        if (held !== expected) fail(`the hub holds ${held} of ${asset} for ${account} on chain ${chainId}; the vault holds ${expected} confirmed`)
      }
    }
    const seen = await this.db.select().from(withdrawals)
    const commandRows = await this.db.select({ id: commands.id, cause: commands.cause, destChainId: commands.destChainId }).from(commands)
    for (const chainId of chainIds) {
      const vault = this.vault(chainId)
      for (const r of vault.requests.values()) {
        if (r.status !== 'pending' || !seen.some((w) => w.chainId === chainId && w.requestId === r.requestId)) continue
        const live = commandRows.some((c) => c.destChainId === chainId && c.cause === `withdrawal:${chainId}:${r.requestId}` && !vault.executed.has(c.id as Hex))
        if (!live) fail(`request ${r.requestId} on chain ${chainId} holds ${r.amount} in escrow with no command left to answer it`)
      }
    }
    const [fund] = await this.db.select().from(insuranceFund)
    const liqs = await this.db.select().from(liquidations)
    const covered = liqs.reduce((sum, l) => sum + (l.insuranceCovered ?? 0n), 0n)
    if (fund && fund.balance !== INSURANCE_FUND_USD8 - covered) fail(`the insurance fund holds ${fund.balance}, not ${INSURANCE_FUND_USD8} less ${covered} covered`)
    for (const l of liqs)
      for (const p of l.closedPositions)
        if (!this.accepted.some((a) => a.account === l.account && a.entryPrice === BigInt(p.entryPrice ?? -1)))
          fail(`liquidation of ${l.account} closed a position at entry ${p.entryPrice} that no accepted report set`)
  }

  /**
   * Holds once nothing is left to deliver: every vault's lock epoch and lock state equal the hub's, no escrow is
   * left on a vault, and no command executed twice.
   */
  async checkSettled() {
    for (const row of await this.db.select().from(accounts)) {
      for (const chainId of chainIds) {
        const lock = this.vault(chainId).lockOf(row.address)
        if (lock.epoch !== row.lockEpoch) fail(`${row.address} is at lock epoch ${row.lockEpoch} on the hub and ${lock.epoch} on chain ${chainId}`)
        if (lock.locked !== (row.lockState !== 'unlocked'))
          fail(`${row.address} is ${row.lockState} on the hub and ${lock.locked ? 'locked' : 'unlocked'} on chain ${chainId}`)
      }
    }
    for (const chainId of chainIds)
      for (const r of this.vault(chainId).requests.values())
        if (r.status === 'pending') fail(`request ${r.requestId} on chain ${chainId} is still escrowed once every command was delivered`)
    const twice = await this.db
      .select({ commandId: commandTransitions.commandId, n: sql<number>`count(*)::int` })
      .from(commandTransitions)
      .where(eq(commandTransitions.toState, 'executed'))
      .groupBy(commandTransitions.commandId)
      .having(sql`count(*) > 1`)
    if (twice.length > 0) fail(`command ${twice[0]!.commandId} executed ${twice[0]!.n} times`)
    const unprocessed = await this.db.select({ id: chainEvents.id }).from(chainEvents).where(isNull(chainEvents.processedAt))
    if (unprocessed.length > 0) fail(`${unprocessed.length} chain events are left unprocessed`)
  }
}

function fail(message: string): never {
  throw new Error(`Invariant broken: ${message}`)
}

/** Empties every table of the hub's schema, so one database serves many sequences. */
export async function resetDatabase(db: Db) {
  const rows = (await db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as
    | { rows: { tablename: string }[] }
    | { tablename: string }[]
  const list = Array.isArray(rows) ? rows : rows.rows
  if (list.length > 0) await db.execute(sql.raw(`truncate ${list.map((r) => `"${r.tablename}"`).join(', ')} restart identity`))
}
