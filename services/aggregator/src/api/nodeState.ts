import type { Config } from '@unimargin/chains'
import type { ChainStatusView, NodeStatusView } from '@unimargin/client'
import { COMMAND_STATES, type CommandState, chainCheckpoints, chainEvents, commands, type Db, isNull, sql } from '@unimargin/db'

/** One chain's row of `chain_checkpoints` as {@link readNodeState} returns it. */
export type CheckpointRow = typeof chainCheckpoints.$inferSelect

/**
 * The node's state as the database holds it, read once for `/ready`, `GET /v1/status`, the `/metrics` snapshot and
 * the CLI's progress display, so they never disagree:
 * - `checkpoints`: every `chain_checkpoints` row (checkpoint and head blocks, head seen at, halt);
 * - `unprocessed`: per chain with any, the events the aggregator has not applied (`count`), the oldest one's
 *   `observed_at` (`oldest`) and how many of them were observed before `lateBefore` (`late`; 0 without it);
 * - `commands`: outbox commands counted by `state`, `kind` and destination chain (`destChainId`);
 * - `events`: per chain, every ingested event, applied or not (only with `countEvents`: a count over `chain_events`).
 */
export type NodeState = {
  checkpoints: CheckpointRow[]
  unprocessed: Array<{ chainId: number; count: number; oldest: Date; late: number }>
  commands: Array<{ state: CommandState; kind: string; destChainId: number; count: number }>
  events: Array<{ chainId: number; count: number }> | undefined
}

/**
 * Reads {@link NodeState} from `chain_checkpoints`, `chain_events` and `commands` in parallel queries.
 * @param options.lateBefore events observed before this instant and still unprocessed are counted as `late`
 *   (`/ready`: now − `readyLagSeconds`)
 * @param options.countEvents also count every ingested event per chain (the progress display's events/s)
 */
export async function readNodeState(db: Db, options: { lateBefore?: Date; countEvents?: boolean } = {}): Promise<NodeState> {
  const count = sql<number>`count(*)::int`
  const lateBefore = options.lateBefore?.toISOString() ?? null
  const [checkpoints, unprocessed, commandRows, events] = await Promise.all([
    db.select().from(chainCheckpoints),
    db
      .select({
        chainId: chainEvents.chainId,
        count,
        oldest: sql<Date | string>`min(${chainEvents.observedAt})`,
        late: sql<number>`(count(*) filter (where ${lateBefore}::timestamptz is not null and ${chainEvents.observedAt} < ${lateBefore}::timestamptz))::int`,
      })
      .from(chainEvents)
      .where(isNull(chainEvents.processedAt))
      .groupBy(chainEvents.chainId),
    db.select({ state: commands.state, kind: commands.kind, destChainId: commands.destChainId, count }).from(commands).groupBy(commands.state, commands.kind, commands.destChainId),
    options.countEvents ? db.select({ chainId: chainEvents.chainId, count }).from(chainEvents).groupBy(chainEvents.chainId) : Promise.resolve(undefined),
  ])
  return {
    checkpoints,
    unprocessed: unprocessed.map((r) => ({ chainId: Number(r.chainId), count: Number(r.count), oldest: new Date(r.oldest), late: Number(r.late) })),
    commands: commandRows.map((r) => ({ state: r.state, kind: r.kind, destChainId: Number(r.destChainId), count: Number(r.count) })),
    events: events?.map((r) => ({ chainId: Number(r.chainId), count: Number(r.count) })),
  }
}

/** The outbox's depth by state from {@link NodeState}`.commands`: every state of the outbox listed, 0 included. */
export function outboxDepth(state: Pick<NodeState, 'commands'>): Record<CommandState, number> {
  const depth = Object.fromEntries(COMMAND_STATES.map((s) => [s, 0])) as Record<CommandState, number>
  for (const r of state.commands) depth[r.state] += r.count
  return depth
}

/**
 * The `GET /v1/status` view of {@link NodeState}: per configured chain (in config order) its finality, head,
 * checkpoint, lag (head − checkpoint, blocks), head age (s, to `now`), halt and unprocessed events; and the outbox's
 * depth by state.
 */
export function nodeStatusView(state: NodeState, config: Config, now: Date): NodeStatusView {
  const chains: ChainStatusView[] = config.chains.map((chain) => {
    const row = state.checkpoints.find((r) => Number(r.chainId) === chain.chainId)
    return {
      name: chain.name,
      chainId: chain.chainId,
      finality: chain.finality,
      confirmations: chain.confirmations,
      headBlock: row?.headBlock?.toString() ?? null,
      checkpointBlock: row?.blockNumber.toString() ?? null,
      lagBlocks: row?.headBlock !== undefined && row.headBlock !== null ? (row.headBlock - row.blockNumber).toString() : null,
      headAgeSeconds: row?.headSeenAt ? Math.max(0, Math.floor((now.getTime() - row.headSeenAt.getTime()) / 1000)) : null,
      halted: row?.haltedReason ? { reason: row.haltedReason, since: row.haltedAt?.toISOString() ?? null } : null,
      unprocessedEvents: state.unprocessed.find((u) => u.chainId === chain.chainId)?.count ?? 0,
    }
  })
  return { chains, outbox: outboxDepth(state) }
}
