import { MarginVault } from '@unimargin/contracts'
import { accounts, chainCheckpoints, chainEvents, collateralBalances, commands, commandTransitions, eq, insuranceFund, isNull, liquidations, prices, sql } from '@unimargin/db'
import { type AssetSymbol, DEVNET_INSURANCE_FUND_USD8, vaultBalance } from '@unimargin/devnet'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { type Pipeline, waitFor } from '../harness.js'

/** The ETH price every sequence starts from, usd8 (the devnet's opening price). */
export const START_ETH_USD8 = 1600n * 10n ** 8n
/** The collateral assets a sequence deposits and withdraws, with their decimals. */
export const SYMBOLS = ['ETH', 'USDC'] as const satisfies readonly AssetSymbol[]
export type Collateral = (typeof SYMBOLS)[number]
export const DECIMALS: Record<Collateral, number> = { ETH: 18, USDC: 6 }
/** Traders per sequence. */
export const TRADERS = 2
/** How long a settle may take before the test fails, ms. */
export const SETTLE_TIMEOUT_MS = 60_000

const WITHDRAWAL_PENDING = 1
let generation = 0

export type Trader = { key: Hex; address: Address }

/**
 * One sequence's view of the devnet pipeline: fresh funded traders, the ETH price it posted, the venue's report
 * sequence per trader and the withdrawal requests it made. Checks raise `Error`s that say which invariant broke.
 */
export class DevnetWorld {
  readonly traders: Trader[]
  ethPriceUsd8 = START_ETH_USD8
  readonly sequences = new Map<Address, bigint>()
  readonly requests: { chainId: number; requestId: bigint; account: Address }[] = []
  readonly reporter
  readonly domain

  constructor(readonly p: Pipeline) {
    generation++
    this.traders = Array.from({ length: TRADERS }, (_, i) => {
      const key = keccak256(toHex(`unimargin-hub-model-devnet-${process.pid}-${generation}-${i}`))
      return { key, address: privateKeyToAddress(key) }
    })
    const config = p.devnet.config
    this.reporter = privateKeyToAccount(p.devnet.keys.reporter)
    this.domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
  }

  get db() {
    return this.p.database.db
  }

  get chainIds() {
    return this.p.devnet.chains.map((c) => c.chainId)
  }

  /** Gives the traders gas on every chain and puts the ETH price back to where every sequence starts. */
  async start() {
    await Promise.all(
      this.p.devnet.chains.flatMap((c) => this.traders.map((t) => c.testClient.setBalance({ address: t.address, value: 100n * 10n ** 18n }))),
    )
    await this.postEthPrice(START_ETH_USD8)
  }

  /** Posts the ETH price on every chain's feed (the same price again included) and waits until the hub holds it. */
  async postEthPrice(priceUsd8: bigint) {
    this.ethPriceUsd8 = priceUsd8
    const before = await this.db.select().from(prices).where(eq(prices.symbol, 'ETH'))
    await this.p.devnet.setPrice('ETH', priceUsd8)
    await waitFor(
      `the hub to see the ETH price ${priceUsd8}`,
      async () => {
        const rows = await this.db.select().from(prices).where(eq(prices.symbol, 'ETH'))
        return this.chainIds.every((chainId) => {
          const row = rows.find((r) => r.chainId === chainId)
          const old = before.find((r) => r.chainId === chainId)
          return row?.answer === priceUsd8 && (!old || row.roundId > old.roundId)
        })
      },
      20_000,
    )
  }

  /**
   * Signs a report as the venue and posts it to the node's API and to every co-signer (which value accounts on their
   * own, as a venue reporting to all of them lets them). @returns the node's HTTP status.
   */
  async report(r: { account: Address; size: bigint; entryPrice: bigint; sequence: bigint }): Promise<number> {
    const full = { ...r, market: 'ETH-PERP' }
    const signature = await signPositionReport(this.reporter, full, this.domain)
    const body = JSON.stringify({
      report: { ...full, size: full.size.toString(), entryPrice: full.entryPrice.toString(), sequence: full.sequence.toString() },
      signature,
    })
    const post = async (base: string) => {
      const res = await fetch(`${base}/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.body?.cancel()
      return res.status
    }
    const [status] = await Promise.all([post(this.p.node.apiUrl!), ...this.p.coSignerUrls.map(post)])
    return status!
  }

  async accountLock(chainId: number, account: Address) {
    const c = this.p.devnet.chain(chainId)
    const [locked, epoch] = await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })
    return { locked, epoch: Number(epoch) }
  }

  /**
   * Waits (bounded by {@link SETTLE_TIMEOUT_MS}) until the hub has caught up with the chains: no command left that
   * is not `executed`, `dead` or `cancelled`, no lock on its way and no liquidation still seizing, and, still so, every watcher's
   * checkpoint at or past the chain heads read when that was first seen and every chain event processed. Then checks
   * the settled system against the chains: {@link checkSettled}.
   */
  async settle() {
    // the chain heads when the hub was last seen drained: every block up to them must be ingested and processed
    let target: bigint[] | undefined
    const drained = async () => {
      const live = await this.db.select({ state: commands.state }).from(commands)
      if (live.some((c) => !['executed', 'dead', 'cancelled'].includes(c.state))) return false
      if ((await this.db.select().from(accounts)).some((r) => r.lockState === 'locking' || r.lockState === 'unlocking')) return false
      return (await this.db.select().from(liquidations)).every((l) => l.state === 'settled')
    }
    await waitFor(
      'the outbox to drain and every chain event to be processed',
      async () => {
        const heads = await Promise.all(this.p.devnet.chains.map((c) => c.publicClient.getBlockNumber({ cacheTime: 0 })))
        if (!(await drained())) {
          target = undefined
          return false
        }
        if (!target) {
          target = heads
          return false
        }
        const checkpoints = await this.db.select().from(chainCheckpoints)
        const reached = this.p.devnet.chains.every((c, i) => (checkpoints.find((r) => r.chainId === c.chainId)?.blockNumber ?? -1n) >= target![i]!)
        if (!reached) return false
        if ((await this.db.select({ id: chainEvents.id }).from(chainEvents).where(isNull(chainEvents.processedAt)).limit(1)).length > 0) return false
        if (await drained()) return true
        target = undefined
        return false
      },
      SETTLE_TIMEOUT_MS,
    )
    await this.checkSettled()
  }

  /**
   * Holds once settled:
   * - every trader's lock on every vault (locked, epoch) equals the hub's account (lockEpoch; unlocked ⇔ not locked);
   * - no withdrawal request a trader made is still pending (escrowed) on its vault;
   * - the hub's free balances equal the vaults' on-chain balances, for every ledger row and every trader/chain/asset;
   * - no command went to `executed` twice;
   * - the insurance fund holds its opening balance less what liquidations covered.
   */
  async checkSettled() {
    const hubAccounts = await this.db.select().from(accounts)
    for (const t of this.traders) {
      const row = hubAccounts.find((a) => a.address.toLowerCase() === t.address.toLowerCase())
      const epoch = row?.lockEpoch ?? 0
      const locked = row ? row.lockState !== 'unlocked' : false
      for (const chainId of this.chainIds) {
        const lock = await this.accountLock(chainId, t.address)
        if (lock.epoch !== epoch) fail(`${t.address} is at lock epoch ${epoch} on the hub and ${lock.epoch} on chain ${chainId}`)
        if (lock.locked !== locked) fail(`${t.address} is ${row?.lockState ?? 'unknown'} on the hub and ${lock.locked ? 'locked' : 'unlocked'} on chain ${chainId}`)
      }
    }
    for (const r of this.requests) {
      const c = this.p.devnet.chain(r.chainId)
      const request = await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [r.requestId] })
      if (request.status === WITHDRAWAL_PENDING) fail(`request ${r.requestId} of ${r.account} on chain ${r.chainId} still holds ${request.amount} in escrow once settled`)
    }
    const ledger = await this.db.select().from(collateralBalances)
    const symbolOf = (chainId: number, asset: string) =>
      (Object.entries(this.p.devnet.chain(chainId).addresses.tokens).find(([, a]) => a.toLowerCase() === asset.toLowerCase())?.[0] ?? 'USDC') as AssetSymbol
    for (const row of ledger) {
      const onChain = await vaultBalance(this.p.devnet, row.chainId, row.account as Address, symbolOf(row.chainId, row.asset))
      if (onChain !== row.amount) fail(`the hub holds ${row.amount} of ${row.asset} for ${row.account} on chain ${row.chainId}; the vault holds ${onChain}`)
    }
    for (const t of this.traders)
      for (const chainId of this.chainIds)
        for (const symbol of SYMBOLS) {
          const asset = this.p.devnet.chain(chainId).addresses.tokens[symbol]
          const held =
            ledger.find((b) => b.chainId === chainId && b.account.toLowerCase() === t.address.toLowerCase() && b.asset.toLowerCase() === asset.toLowerCase())?.amount ?? 0n
          const onChain = await vaultBalance(this.p.devnet, chainId, t.address, symbol)
          if (held !== onChain) fail(`the hub holds ${held} ${symbol} for ${t.address} on chain ${chainId}; the vault holds ${onChain}`)
        }
    const twice = await this.db
      .select({ commandId: commandTransitions.commandId, n: sql<number>`count(*)::int` })
      .from(commandTransitions)
      .where(eq(commandTransitions.toState, 'executed'))
      .groupBy(commandTransitions.commandId)
      .having(sql`count(*) > 1`)
    if (twice.length > 0) fail(`command ${twice[0]!.commandId} went to executed ${twice[0]!.n} times`)
    const [fund] = await this.db.select().from(insuranceFund)
    const covered = (await this.db.select().from(liquidations)).reduce((sum, l) => sum + l.insuranceCovered, 0n)
    const balance = fund?.balance ?? DEVNET_INSURANCE_FUND_USD8
    if (balance !== DEVNET_INSURANCE_FUND_USD8 - covered) fail(`the insurance fund holds ${balance}, not ${DEVNET_INSURANCE_FUND_USD8} less ${covered} covered`)
  }
}

function fail(message: string): never {
  throw new Error(`Invariant broken: ${message}`)
}
