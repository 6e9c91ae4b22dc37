import type { NodeStatusView, ReadyView } from '@unimargin/client'
import Table from 'cli-table3'

/**
 * The lines `unimargin status` prints for a node's `/ready` body: `Ready.`, or `Not ready:` followed by one line
 * per reason (chains without a checkpoint, each halted chain with its block and reason, each chain whose head is
 * stale with its age, events waiting for the aggregator). Reads fields a node from before halts and head ages were
 * reported may not send as empty.
 * @example formatReadiness(await client.ready()).join('\n')
 */
export function formatReadiness(view: ReadyView): string[] {
  if (view.ready) return ['Ready.']
  const lines = ['Not ready:']
  if (view.chainsWithoutCheckpoint.length > 0) lines.push(`  no watcher checkpoint yet on chain ${view.chainsWithoutCheckpoint.join(', ')}`)
  for (const c of view.haltedChains ?? [])
    lines.push(`  halted: ${c.name} (chain ${c.chainId}) at block ${c.blockNumber}${c.haltedAt ? ` since ${c.haltedAt}` : ''}: ${c.reason}`)
  for (const c of view.staleChains ?? [])
    lines.push(
      `  stale: ${c.name} (chain ${c.chainId}) head ${c.headBlock ?? 'unknown'} last advanced ${c.headAgeSeconds} s ago (allowed ${c.maxHeadAgeSeconds} s)`,
    )
  if (view.lateUnprocessedEvents > 0) lines.push(`  ${view.lateUnprocessedEvents} chain events wait for the aggregator`)
  return lines
}

/** One route of `GET /v1/routes`, as `unimargin status` prints it. */
export type RouteStatusView = {
  name: string
  chainId: number
  transport: string
  p50Ms: number
  p99Ms: number
  samples: number
  source: 'measured' | 'seeded'
  inFlight: number
  failing: number
  dead: number
}

const plain = (): { style: { head: string[]; border: string[] } } => ({ style: { head: [], border: [] } })
const group = (v: string | number | null) => (v === null ? '-' : BigInt(v).toLocaleString('en-US'))

/**
 * The tables `unimargin status` prints below the readiness lines: per chain its finality, head, checkpoint, lag
 * (blocks), head age (s), waiting events and halt; the outbox's depth by state; per route its transport, latency
 * p50/p99 (s, `seeded` until measured) and traffic. Numbers grouped by thousands; no colour (safe to pipe).
 */
export function formatStatus(status: NodeStatusView, routes: readonly RouteStatusView[]): string[] {
  const chains = new Table({ head: ['chain', 'id', 'finality', 'head', 'checkpoint', 'lag', 'head age', 'waiting', 'halted'], ...plain() })
  for (const c of status.chains)
    chains.push([
      c.name,
      c.chainId,
      c.finality === 'confirmations' ? `${c.confirmations} conf.` : c.finality,
      group(c.headBlock),
      group(c.checkpointBlock),
      group(c.lagBlocks),
      c.headAgeSeconds === null ? '-' : `${c.headAgeSeconds} s`,
      c.unprocessedEvents,
      c.halted ? `${c.halted.reason}${c.halted.since ? ` (since ${c.halted.since})` : ''}` : 'no',
    ])
  const outbox = Object.entries(status.outbox)
    .map(([state, n]) => `${state} ${n.toLocaleString('en-US')}`)
    .join(', ')
  const lines = ['', 'Chains', chains.toString(), '', `Outbox: ${outbox}`]
  if (routes.length > 0) {
    const table = new Table({ head: ['route to', 'transport', 'p50', 'p99', 'samples', 'in flight', 'failing', 'dead'], ...plain() })
    for (const r of routes)
      table.push([r.name, r.transport, `${(r.p50Ms / 1000).toFixed(1)} s`, `${(r.p99Ms / 1000).toFixed(1)} s${r.source === 'seeded' ? ' (seeded)' : ''}`, r.samples, r.inFlight, r.failing, r.dead])
    lines.push('', 'Routes', table.toString())
  }
  return lines
}

/**
 * The lines `unimargin status` prints for the leases in a `/ready` body (nodes sharing one PostgreSQL): which node
 * ingests each chain and which sends from the relayer key, with expired leases marked. Empty when there are none.
 */
export function formatLeases(view: ReadyView): string[] {
  const leases = view.leases ?? []
  if (leases.length === 0) return []
  return [
    'Leases:',
    ...leases.map((l) => {
      const what = l.chainId !== undefined ? `watcher of chain ${l.chainId}` : l.name.startsWith('relayer:') ? `relayer key ${l.name.slice('relayer:'.length)}` : l.name
      return `  ${what}: ${l.holder}${l.expired ? ' (expired: another node takes it over)' : ''}`
    }),
  ]
}
