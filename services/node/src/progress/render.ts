import type { ChainRates } from './rates.js'
import type { ProgressSnapshot } from './snapshot.js'

const dash = '—'
const rate = (n: number | null) => (n === null ? dash : n >= 100 ? n.toFixed(0) : n.toFixed(1))
/** `42s`, `3m05s`, `2h07m` */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return dash
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`
}
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}s` : `${Math.round(n)}ms`)

/**
 * The progress panel of a node as lines for a terminal (Ponder's terminal UI as the model): per chain its head,
 * checkpoint, % synced, blocks/s, events/s, ETA and unprocessed events (or its halt); the outbox by state; each
 * route's assumed p50/p99 latency. Pure: the same snapshot and rates give the same lines.
 */
export function renderProgress(snapshot: ProgressSnapshot, rates: ChainRates[]): string[] {
  const head = ['chain', 'head', 'checkpoint', 'synced', 'blocks/s', 'events/s', 'ETA', 'unprocessed']
  const rows = snapshot.chains.map((c, i) => {
    const r = rates[i]
    return [
      c.name,
      c.head?.toString() ?? dash,
      c.checkpoint?.toString() ?? dash,
      r?.syncedPercent === null || r === undefined ? dash : `${r.syncedPercent.toFixed(1)}%`,
      rate(r?.blocksPerSecond ?? null),
      rate(r?.eventsPerSecond ?? null),
      c.halted ? 'halted' : formatDuration(r?.etaSeconds ?? null),
      String(c.unprocessed),
    ]
  })
  const widths = head.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)))
  const line = (cells: string[]) => cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')
  const lines = [line(head), ...rows.map(line)]
  for (const c of snapshot.chains) if (c.halted) lines.push(`  ${c.name} halted: ${c.halted}`)
  lines.push(`outbox  ${Object.entries(snapshot.outbox).map(([state, n]) => `${state} ${n}`).join('  ')}`)
  if (snapshot.routes.length > 0)
    lines.push(`routes  ${snapshot.routes.map((r) => `${r.chain} ${r.transport} p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)}${r.source === 'seeded' ? ' (seeded)' : ''}`).join('  ')}`)
  return lines
}

/**
 * The same progress as one log entry's fields (off a terminal, one entry per interval): per chain name
 * `{ head, checkpoint, synced_pct, blocks_per_s, events_per_s, eta_s, unprocessed, halted? }` (blocks as decimal
 * strings) and the outbox by state. Pure.
 */
export function progressFields(snapshot: ProgressSnapshot, rates: ChainRates[]): { chains: Record<string, Record<string, unknown>>; outbox: Record<string, number> } {
  const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10)
  const chains = Object.fromEntries(
    snapshot.chains.map((c, i) => {
      const r = rates[i]
      return [
        c.name,
        {
          head: c.head?.toString() ?? null,
          checkpoint: c.checkpoint?.toString() ?? null,
          synced_pct: r?.syncedPercent ?? null,
          blocks_per_s: round(r?.blocksPerSecond ?? null),
          events_per_s: round(r?.eventsPerSecond ?? null),
          eta_s: r?.etaSeconds ?? null,
          unprocessed: c.unprocessed,
          ...(c.halted ? { halted: c.halted } : {}),
        },
      ]
    }),
  )
  return { chains, outbox: { ...snapshot.outbox } }
}
