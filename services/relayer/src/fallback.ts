import { type Config, routeTransport, type TransportName } from '@unimargin/chains'
import { asc, commandTransitions, type Db, inArray, sql } from '@unimargin/db'
import { type CommandRow, transition } from './outbox.js'

/** Default stall threshold before a command is re-sent over the other transport, ms. */
export const DEFAULT_FALLBACK_AFTER_MS = 60_000

/** Where a command stands between its transports, read from its transitions. */
export type TransportStatus = {
  /** the transport now carrying the command */
  current: TransportName
  /** the transport it was re-sent from, when it fell back */
  fellBackFrom: TransportName | undefined
  /**
   * when the command last made progress on `current` (its latest move into published, attested or delivered, or its
   * fallback; repeating a step is no progress), ms since the epoch; undefined while it was never published (only failures can then trigger a fallback)
   */
  lastProgressAt: number | undefined
  /** whether it was ever published (over any transport) */
  published: boolean
  /** whether the relayer already decided to carry it over both transports from the start (dual.ts) */
  dual: boolean
}

const PROGRESS = new Set(['published', 'attested', 'delivered'])
const isTransport = (x: unknown): x is TransportName => x === 'wormhole' || x === 'layerzero'

/**
 * The transport each command travels on: the target of its latest fallback, else the transport it was published
 * with (rows published before transports were recorded were Wormhole's), else its route's; read with one query.
 * @returns a status per command id.
 */
export async function transportStatuses(db: Db, config: Config, list: CommandRow[]): Promise<Map<string, TransportStatus>> {
  const rows =
    list.length === 0
      ? []
      : await db
          .select({
            commandId: commandTransitions.commandId,
            fromState: commandTransitions.fromState,
            toState: commandTransitions.toState,
            detail: commandTransitions.detail,
            at: commandTransitions.at,
          })
          .from(commandTransitions)
          .where(inArray(commandTransitions.commandId, list.map((c) => c.id)))
          .orderBy(asc(commandTransitions.id))
  const byCommand = new Map<string, typeof rows>()
  for (const r of rows) {
    const xs = byCommand.get(r.commandId)
    if (xs) xs.push(r)
    else byCommand.set(r.commandId, [r])
  }
  return new Map(list.map((command) => [command.id, statusOf(config, command, byCommand.get(command.id) ?? [])]))
}

function statusOf(
  config: Config,
  command: CommandRow,
  rows: { fromState: string | null; toState: string; detail: Record<string, unknown>; at: Date }[],
): TransportStatus {
  const progress = rows.findLast((r) => (PROGRESS.has(r.toState) && r.fromState !== r.toState) || isTransport(r.detail.fallback))
  const lastProgressAt = progress?.at.getTime()
  const fallback = rows.findLast((r) => isTransport(r.detail.fallback))
  const published = rows.find((r) => r.toState === 'published')
  // a command carried over both transports from the start begins on the transport its plan names first
  const dual = rows.find((r) => isTransport((r.detail.dual as { first?: unknown } | undefined)?.first))
  const common = { lastProgressAt, published: published !== undefined, dual: dual !== undefined }
  if (fallback) return { current: fallback.detail.fallback as TransportName, fellBackFrom: fallback.detail.from as TransportName, ...common }
  const first = dual ? ((dual.detail.dual as { first: TransportName }).first) : routeTransport(config, command.destChainId)
  const current = published ? (isTransport(published.detail.transport) ? published.detail.transport : 'wormhole') : first
  return { current, fellBackFrom: undefined, ...common }
}

/** The other transport, when both ends of the route to `destChainId` have it configured. */
export function otherTransport(config: Config, from: TransportName, destChainId: number): TransportName | undefined {
  if (from === 'wormhole') {
    const lz = (id: number) => config.chains.find((c) => c.chainId === id)?.layerzero
    return lz(config.hub.chainId) && lz(destChainId) ? 'layerzero' : undefined
  }
  return 'wormhole'
}

/**
 * Re-sends `command` over transport `to` with the same command id and payload: moves it back to `pending`, records
 * the transition with detail `{ fallback: to, from, reason, stalled_ms, previous }` (the abandoned delivery's publish
 * tx, sequence or nonce, and whether it held a VAA), and clears the per-transport fields. The abandoned delivery may
 * still land; the vault executes whichever arrives first and consumes the other as a duplicate.
 * @returns whether it moved (false when another writer moved the command first).
 */
export async function fallBack(db: Db, command: CommandRow, from: TransportName, to: TransportName, reason: string, stalledMs: number): Promise<boolean> {
  const previous = { publish_tx: command.publishTx, sequence: command.sequence?.toString() ?? null, had_vaa: command.vaa !== null, deliver_tx: command.deliverTx }
  return transition(
    db,
    command,
    'pending',
    { fallback: to, from, reason, stalled_ms: stalledMs, previous },
    { publishTx: null, sequence: null, vaa: null, deliverTx: null, attempts: 0, lastError: null, nextAttemptAt: new Date() },
  )
}

/**
 * When a command last executed on route (`transport`, `destChainId`) as recorded by any relayer (an `executed` hop
 * whose detail names the transport), if after `sinceMs`. A backlogged route keeps executing; a stalled one does not.
 * @param sinceMs ms since the epoch; older executions are not looked at
 * @returns ms since the epoch, or undefined when none since then.
 */
export async function lastRouteExecution(db: Db, transport: TransportName, destChainId: number, sinceMs: number): Promise<number | undefined> {
  const result = await db.execute(sql`
    select max(t.at) as at from command_transitions t join commands c on c.id = t.command_id
    where t.to_state = 'executed' and t.detail->>'transport' = ${transport} and c.dest_chain_id = ${destChainId}
      and t.at > ${new Date(sinceMs).toISOString()}::timestamptz`)
  const rows = (result as unknown as { rows?: { at: string | Date | null }[] }).rows ?? (result as unknown as { at: string | Date | null }[])
  const at = rows[0]?.at
  return at ? new Date(at).getTime() : undefined
}
