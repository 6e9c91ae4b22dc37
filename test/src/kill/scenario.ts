import { type Devnet, userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { type Address, BaseError, ContractFunctionRevertedError, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { type Collateral, CRASH_BPS, type Step } from './plan.js'

const USD8 = 10n ** 8n
const E18 = 10n ** 18n
const DECIMALS: Record<Collateral, bigint> = { USDC: 6n, ETH: 18n }
/** The ETH price the devnet opens at, usd8. */
export const START_ETH_USD8 = 1_600n * USD8
/** ETH is kept within these bounds, usd8, so venue reports stay within the markets' entry band. */
const MIN_ETH_USD8 = 700n * USD8
const MAX_ETH_USD8 = 3_000n * USD8
/** What the liquidity provider deposits on every chain before the kills: vaults can pay withdrawals of collateral held elsewhere. */
const LIQUIDITY = { USDC: 1_000_000n * 10n ** 6n, ETH: 400n * E18 }

export type Trader = { key: Hex; address: Address }
/** A withdrawal request the scenario made, as the vault numbered it. */
export type RequestMade = { chainId: number; requestId: bigint; account: Address }

/** What the scenario did, for the summary. */
export type ScenarioStats = { deposits: number; requests: number; refusedRequests: number; reports: number; refusedReports: number; prices: number }

/**
 * The scenario's actors on the devnet: traders (fresh keys derived from the seed, funded with gas on every chain), a
 * liquidity provider, the price oracle (the devnet's feeds) and the venue. Every action but the venue's goes to the
 * chains only, so it never waits for the node; the venue posts its signed position reports to the node, retrying
 * while the node is down (a report the node took before a kill and answers 409 for afterwards counts as taken), and
 * then to every co-signer, in order, so the co-signers value the same positions as the hub.
 */
export class Scenario {
  readonly traders: Trader[]
  readonly liquidityProvider: Trader
  readonly requests: RequestMade[] = []
  readonly stats: ScenarioStats = { deposits: 0, requests: 0, refusedRequests: 0, reports: 0, refusedReports: 0, prices: 0 }
  ethPriceUsd8 = START_ETH_USD8
  private readonly deposited = new Set<number>()
  /** the mark at which the venue reported the leveraged (last) trader's long, usd8 */
  private leveragedEntryUsd8: bigint | undefined
  private readonly venueQueue: { trader: number; halfEth: number }[] = []
  private sequence = 0n
  private venueRunning: Promise<void> | undefined
  private venueError: unknown
  private readonly reporter
  private readonly domain

  constructor(
    readonly devnet: Devnet,
    seed: number,
    traders: number,
    /** where the node's API answers (the node may be down; the venue retries) */
    readonly nodeApiUrl: string,
    readonly coSignerUrls: readonly string[],
  ) {
    this.traders = Array.from({ length: traders }, (_, i) => {
      const key = keccak256(toHex(`unimargin-kill-test-${seed}-${i}`))
      return { key, address: privateKeyToAddress(key) }
    })
    const lp = devnet.keys.users[0]!
    this.liquidityProvider = { key: lp, address: privateKeyToAddress(lp) }
    this.reporter = privateKeyToAccount(devnet.keys.reporter)
    const config = devnet.config
    this.domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
  }

  /** Every account the scenario moves money for: the traders, the liquidity provider and the liquidation receiver. */
  get accounts(): Address[] {
    return [...this.traders.map((t) => t.address), this.liquidityProvider.address, this.devnet.config.liquidation.receiver]
  }

  /** Gas for the traders on every chain, and the liquidity provider's deposits. */
  async setUp(): Promise<void> {
    await Promise.all(this.devnet.chains.flatMap((c) => this.traders.map((t) => c.testClient.setBalance({ address: t.address, value: 1_000n * E18 }))))
    for (const c of this.devnet.chains) {
      await userDeposit(this.devnet, { chainId: c.chainId, key: this.liquidityProvider.key, symbol: 'USDC', amount: LIQUIDITY.USDC })
      await userDeposit(this.devnet, { chainId: c.chainId, key: this.liquidityProvider.key, symbol: 'ETH', amount: LIQUIDITY.ETH })
      this.stats.deposits += 2
    }
    // every trader starts with collateral on one chain, so its withdrawals elsewhere are cross-chain
    for (const [i, t] of this.traders.entries()) {
      await userDeposit(this.devnet, { chainId: this.chainId(i % this.devnet.chains.length), key: t.key, symbol: 'USDC', amount: this.amountOf('USDC', 3_000) })
      this.deposited.add(i)
      this.stats.deposits++
    }
    // two traders open leveraged ETH longs (about 6x) once the node is up: the plan's crashes may liquidate them; the
    // last trader's long (about 5x, never topped up) is liquidated by the plan's crash whatever happened before
    for (const trader of [0, 1]) await this.play({ kind: 'open', trader, halfEth: 24 })
    await this.play({ kind: 'open', trader: this.traders.length - 1, halfEth: 20 })
  }

  private amountOf(symbol: Collateral, usd: number): bigint {
    const price = symbol === 'ETH' ? this.ethPriceUsd8 : USD8
    return (BigInt(usd) * USD8 * 10n ** DECIMALS[symbol]) / price
  }

  private chainId(index: number): number {
    return this.devnet.chains[index]!.chainId
  }

  /** Plays one step on the chains (or queues it with the venue). @throws what a transaction other than a refused request throws. */
  async play(step: Step): Promise<void> {
    switch (step.kind) {
      case 'deposit': {
        const t = this.traders[step.trader]!
        await userDeposit(this.devnet, { chainId: this.chainId(step.chain), key: t.key, symbol: step.symbol, amount: this.amountOf(step.symbol, step.usd) })
        this.deposited.add(step.trader)
        this.stats.deposits++
        return
      }
      case 'withdraw':
        return this.request(this.traders[step.trader]!, this.chainId(step.chain), step.symbol, this.amountOf(step.symbol, step.usd))
      case 'large':
        return this.request(this.liquidityProvider, this.chainId(step.chain), 'USDC', this.amountOf('USDC', step.usd))
      case 'open':
        // a position without any collateral is not a margin account yet
        if (!this.deposited.has(step.trader)) return
        this.venueQueue.push({ trader: step.trader, halfEth: step.halfEth })
        this.venueRunning ??= this.runVenue()
          .catch((error: unknown) => {
            this.venueError ??= error
          })
          .finally(() => {
            this.venueRunning = undefined
          })
        return
      case 'price': {
        const next = (this.ethPriceUsd8 * BigInt(10_000 + step.moveBps)) / 10_000n
        this.ethPriceUsd8 = next < MIN_ETH_USD8 ? MIN_ETH_USD8 : next > MAX_ETH_USD8 ? MAX_ETH_USD8 : next
        await this.devnet.setPrice('ETH', this.ethPriceUsd8)
        this.stats.prices++
        return
      }
      case 'crash': {
        // from the leveraged trader's entry, once the venue has reported its position (it retries while the node is down)
        await this.venueFlushed()
        const entry = this.leveragedEntryUsd8 ?? this.ethPriceUsd8
        this.ethPriceUsd8 = (entry * BigInt(CRASH_BPS)) / 10_000n
        await this.devnet.setPrice('ETH', this.ethPriceUsd8)
        this.stats.prices++
        return
      }
    }
  }

  private async request(account: Trader, chainId: number, symbol: Collateral, amount: bigint): Promise<void> {
    try {
      const { requestId } = await userRequestWithdrawal(this.devnet, { chainId, key: account.key, symbol, amount })
      this.requests.push({ chainId, requestId, account: account.address })
      this.stats.requests++
    } catch (error) {
      // a vault refuses requests of a locked account outright; nothing is escrowed
      if (!isRevert(error, 'AccountIsLocked')) throw error
      this.stats.refusedRequests++
    }
  }

  /**
   * Resolves once every queued report has been taken (or refused) by the node and passed to the co-signers.
   * @throws the error that stopped the venue (a co-signer refusing a report the node took).
   */
  async venueFlushed(): Promise<void> {
    while (this.venueRunning) await this.venueRunning
    if (this.venueError) throw this.venueError
  }

  /** Posts the queued reports in order; each is signed at the mark the venue sees when it goes out. */
  private async runVenue(): Promise<void> {
    for (let next = this.venueQueue.shift(); next; next = this.venueQueue.shift()) {
      this.sequence += 1n
      const report = {
        account: this.traders[next.trader]!.address,
        market: 'ETH-PERP',
        size: (BigInt(next.halfEth) * E18) / 2n,
        entryPrice: this.ethPriceUsd8,
        sequence: this.sequence,
      }
      if (next.trader === this.traders.length - 1) this.leveragedEntryUsd8 = report.entryPrice
      const signature = await signPositionReport(this.reporter, report, this.domain)
      const body = JSON.stringify({
        report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: report.sequence.toString() },
        signature,
      })
      const post = async (base: string) => {
        const res = await fetch(`${base}/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
        await res.body?.cancel()
        return res.status
      }
      let status: number | undefined
      // the node may be down or starting; it answers 409 for a sequence it took before it was killed
      while (status === undefined || status === 503) {
        status = await post(this.nodeApiUrl).catch(() => undefined)
        if (status === undefined || status === 503) await new Promise((r) => setTimeout(r, 200))
      }
      if (status !== 200 && status !== 409) {
        this.stats.refusedReports++
        continue
      }
      for (const url of this.coSignerUrls) {
        let answer = await post(url)
        // a co-signer without a fresh mark yet (it follows the feeds on its own)
        for (let tries = 0; answer === 503 && tries < 50; tries++) {
          await new Promise((r) => setTimeout(r, 200))
          answer = await post(url)
        }
        if (answer !== 200) throw new Error(`Co-signer ${url} answered ${answer} to a report the node took (sequence ${report.sequence}).`)
      }
      this.stats.reports++
    }
  }
}

function isRevert(error: unknown, name: string): boolean {
  if (!(error instanceof BaseError)) return false
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
  return (revert instanceof ContractFunctionRevertedError && revert.data?.errorName === name) || error.message.includes(name)
}
