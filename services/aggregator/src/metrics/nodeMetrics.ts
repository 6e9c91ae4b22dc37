import { type Config, routeTransport, rpcRequestDuration, rpcRequestErrors } from '@unimargin/chains'
import { accounts, commands, commandTransitions, type Db, eq, insuranceFund, liquidations, sql } from '@unimargin/db'
import { collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client'
import { readNodeState } from '../api/nodeState.js'
import { accountsByHealthBand, healthRecomputeSeconds } from './healthMetrics.js'
import { routeLatencies } from '../routes/index.js'

export type RegisterNodeMetricsParameters = {
  registry: Registry
  db: Db
  config: Config
  /** the clock (tests pin it); default `() => new Date()` */
  now?: () => Date
  /** include prom-client's default process metrics (CPU, memory, event loop lag, handles); default true */
  processMetrics?: boolean
}

/** The delivery-latency histogram's buckets, seconds: a Wormhole route takes seconds, a LayerZero route with DVN confirmations tens. */
export const DELIVERY_BUCKETS_SECONDS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800]

/** Reads older than this serve the next scrape's series from the same snapshot (one scrape reads the database once). */
const SNAPSHOT_TTL_MS = 500

type Snapshot = Awaited<ReturnType<typeof readSnapshot>>

/**
 * Registers the node's state as Prometheus series on `registry`, read from the database at scrape time, so every
 * process that serves `/metrics` (hub or co-signer, whichever services it runs) reports the same state and no
 * service has to be instrumented for it. Labels come from the config (`chain` is the chain's configured name), never
 * from RPC URLs. Series (gauges unless noted):
 * - `unimargin_chain_head_block`, `unimargin_chain_checkpoint_block`, `unimargin_chain_lag_blocks` (head −
 *   checkpoint), `unimargin_chain_head_age_seconds` (since the watcher last saw the head advance),
 *   `unimargin_chain_checkpoint_age_seconds`, `unimargin_chain_halted` (1 when a reorg below finality or a quorum
 *   disagreement halted ingestion), per `chain`;
 * - `unimargin_events_unprocessed` and `unimargin_event_processing_lag_seconds` (age of the oldest event the
 *   aggregator has not applied, 0 when none), per `chain`;
 * - `unimargin_accounts` by `lock_state`; `unimargin_liquidations` by `state`; `unimargin_shortfall_usd` and
 *   `unimargin_socialized_loss_usd` (sums over every liquidation, USD); `unimargin_insurance_fund_usd`;
 * - `unimargin_commands` by `state`, `kind`, `chain` and `transport` (the route's configured transport);
 * - `unimargin_command_delivery_seconds` (histogram, per `chain` and `transport`): from a command's publication on
 *   the hub to the vault's `CommandExecuted` (the route latency the safety buffers are sized on), observed for every
 *   command executed after this registry's first scrape; `unimargin_route_latency_assumed_p99_seconds` (per `chain`
 *   and `transport`): the p99 the buffers currently assume ({@link routeLatencies}: measured over the window, or
 *   seeded), so an alert can compare the live p99 with it.
 * - `unimargin_rpc_request_duration_seconds` (histogram) and `unimargin_rpc_errors_total` (counter) per `chain`,
 *   `provider` (`primary`, `fallback1`…) and `method`: every JSON-RPC request of this process's chain clients
 *   (`@unimargin/chains` `rpcMetrics.ts`).
 * - `unimargin_health_recompute_seconds` (histogram) and `unimargin_accounts_by_health_band` by `band`: this
 *   process's aggregator's re-valuations after price updates (`healthMetrics.ts`).
 * With `processMetrics` (default) also prom-client's default metrics (`process_*`, `nodejs_*`).
 * USD figures are usd8 divided by 10^8 (Prometheus values are doubles).
 */
export function registerNodeMetrics(parameters: RegisterNodeMetricsParameters): void {
  const { registry, db, config, now = () => new Date() } = parameters
  if (parameters.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  registry.registerMetric(rpcRequestDuration)
  registry.registerMetric(rpcRequestErrors)
  registry.registerMetric(healthRecomputeSeconds)
  registry.registerMetric(accountsByHealthBand)
  const chainName = new Map(config.chains.map((c) => [c.chainId, c.name]))
  const nameOf = (chainId: number) => chainName.get(chainId) ?? String(chainId)

  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined
  const snapshot = () => {
    const at = Date.now()
    if (!cached || at - cached.at > SNAPSHOT_TTL_MS) {
      const read = readSnapshot(db, config, now())
      cached = { at, snapshot: read }
      read.catch(() => {
        if (cached?.snapshot === read) cached = undefined
      })
    }
    return cached.snapshot
  }
  const secondsSince = (d: Date | null) => (d ? Math.max(0, (now().getTime() - d.getTime()) / 1000) : 0)
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: Snapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot()
        this.reset()
        fill(this, s)
      },
    })

  const perChain = (fill: (g: Gauge, chain: string, row: Snapshot['checkpoints'][number]) => void) => (g: Gauge, s: Snapshot) => {
    for (const row of s.checkpoints) fill(g, nameOf(row.chainId), row)
  }
  gauge('unimargin_chain_head_block', 'Newest head the watcher has seen', ['chain'], perChain((g, chain, r) => r.headBlock !== null && g.set({ chain }, Number(r.headBlock))))
  gauge('unimargin_chain_checkpoint_block', 'Last block whose logs are fully written', ['chain'], perChain((g, chain, r) => g.set({ chain }, Number(r.blockNumber))))
  gauge(
    'unimargin_chain_lag_blocks',
    'Blocks between the head and the checkpoint (finality depth included)',
    ['chain'],
    perChain((g, chain, r) => r.headBlock !== null && g.set({ chain }, Number(r.headBlock - r.blockNumber))),
  )
  gauge('unimargin_chain_head_age_seconds', 'Seconds since the watcher last saw the head advance', ['chain'], perChain((g, chain, r) => g.set({ chain }, secondsSince(r.headSeenAt))))
  gauge('unimargin_chain_checkpoint_age_seconds', 'Seconds since the checkpoint last moved', ['chain'], perChain((g, chain, r) => g.set({ chain }, secondsSince(r.updatedAt))))
  gauge('unimargin_chain_halted', '1 when ingestion of the chain is halted (reorg below finality, quorum disagreement)', ['chain'], perChain((g, chain, r) => g.set({ chain }, r.haltedReason ? 1 : 0)))

  gauge('unimargin_events_unprocessed', 'Ingested events the aggregator has not applied yet', ['chain'], (g, s) => {
    for (const c of config.chains) g.set({ chain: c.name }, 0)
    for (const r of s.unprocessed) g.set({ chain: nameOf(r.chainId) }, r.count)
  })
  gauge('unimargin_event_processing_lag_seconds', 'Age of the oldest event the aggregator has not applied (0 when none)', ['chain'], (g, s) => {
    for (const c of config.chains) g.set({ chain: c.name }, 0)
    for (const r of s.unprocessed) g.set({ chain: nameOf(r.chainId) }, secondsSince(r.oldest))
  })
  gauge('unimargin_accounts', 'Accounts by lock state', ['lock_state'], (g, s) => {
    for (const r of s.accounts) g.set({ lock_state: r.lockState }, r.count)
  })
  gauge('unimargin_liquidations', 'Liquidations by state', ['state'], (g, s) => {
    for (const r of s.liquidations) g.set({ state: r.state }, r.count)
  })
  gauge('unimargin_shortfall_usd', 'Shortfall of every liquidation (seized value below debt), USD', [], (g, s) => g.set(usd(s.losses.shortfall)))
  gauge('unimargin_socialized_loss_usd', 'Shortfall the insurance fund did not cover, USD', [], (g, s) => g.set(usd(s.losses.socialized)))
  gauge('unimargin_insurance_fund_usd', 'Insurance fund balance, USD', [], (g, s) => s.insuranceFund !== undefined && g.set(usd(s.insuranceFund)))
  gauge('unimargin_commands', 'Outbox commands by state, kind, destination chain and transport', ['state', 'kind', 'chain', 'transport'], (g, s) => {
    for (const r of s.commands) g.set({ state: r.state, kind: r.kind, chain: nameOf(r.destChainId), transport: routeTransport(config, r.destChainId) }, r.count)
  })

  gauge('unimargin_route_latency_assumed_p99_seconds', "The route latency p99 the withdrawal and liquidation safety buffers assume (measured or seeded)", ['chain', 'transport'], (g, s) => {
    for (const r of s.routes) g.set({ chain: nameOf(r.chainId), transport: r.transport }, r.p99Ms / 1000)
  })

  let watermark: bigint | undefined
  new Histogram({
    name: 'unimargin_command_delivery_seconds',
    help: "Seconds from a command's publication on the hub to its execution on the vault, per destination chain and transport",
    labelNames: ['chain', 'transport'],
    buckets: DELIVERY_BUCKETS_SECONDS,
    registers: [registry],
    async collect() {
      const s = await snapshot()
      if (watermark === undefined) {
        watermark = s.lastTransitionId
        return
      }
      for (const e of await readExecutions(db, watermark)) {
        if (e.publishedAt) this.observe({ chain: nameOf(e.destChainId), transport: routeTransport(config, e.destChainId) }, Math.max(0, (e.at.getTime() - e.publishedAt.getTime()) / 1000))
        if (e.id > watermark) watermark = e.id
      }
    },
  })
}

const usd = (usd8: bigint) => Number(usd8) / 1e8

async function readSnapshot(db: Db, config: Config, now: Date) {
  const count = sql<number>`count(*)::int`
  const [state, accountRows, liquidationRows, [losses], [fund], [last], routes] = await Promise.all([
    readNodeState(db),
    db.select({ lockState: accounts.lockState, count }).from(accounts).groupBy(accounts.lockState),
    db.select({ state: liquidations.state, count }).from(liquidations).groupBy(liquidations.state),
    db
      .select({ shortfall: sql<string>`coalesce(sum(${liquidations.shortfall}), 0)::text`, socialized: sql<string>`coalesce(sum(${liquidations.socializedLoss}), 0)::text` })
      .from(liquidations),
    db.select({ balance: insuranceFund.balance }).from(insuranceFund).where(eq(insuranceFund.id, 1)),
    db.select({ id: sql<string | null>`max(${commandTransitions.id})::text` }).from(commandTransitions),
    routeLatencies(db, config, now),
  ])
  return {
    checkpoints: state.checkpoints,
    unprocessed: state.unprocessed,
    accounts: accountRows,
    liquidations: liquidationRows,
    losses: { shortfall: BigInt(losses?.shortfall ?? 0), socialized: BigInt(losses?.socialized ?? 0) },
    insuranceFund: fund?.balance,
    commands: state.commands,
    lastTransitionId: BigInt(last?.id ?? 0),
    routes,
  }
}

/**
 * Transitions into `executed` after `afterId`, with their command's destination and first publication (as
 * `routeLatencies` measures a route: publish → execution); a command never recorded as published is left out.
 */
async function readExecutions(db: Db, afterId: bigint) {
  const rows = (await db
    .select({
      id: commandTransitions.id,
      at: commandTransitions.at,
      destChainId: commands.destChainId,
      publishedAt: sql<Date | string | null>`(select min(p.at) from ${commandTransitions} p where p.command_id = ${commands.id} and p.to_state = 'published')`,
    })
    .from(commandTransitions)
    .innerJoin(commands, eq(commands.id, commandTransitions.commandId))
    .where(sql`${commandTransitions.id} > ${afterId} and ${commandTransitions.toState} = 'executed'`)
    .orderBy(commandTransitions.id)) as Array<{ id: bigint; at: Date; destChainId: number; publishedAt: Date | string | null }>
  return rows.map((r) => ({ ...r, publishedAt: r.publishedAt === null ? null : new Date(r.publishedAt) }))
}
