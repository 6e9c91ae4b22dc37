import type { RebuildVerification } from '@unimargin/aggregator'
import type { ChainSummary, ResumeResult } from './chains.js'

/** `rebuild --verify --json`: the verification with bigints as decimal strings. */
export function verificationJson(v: RebuildVerification) {
  return {
    equal: v.equal,
    replayed: { events: v.replay.events, reports: v.replay.reports, transitions: v.replay.transitions, facts: v.replay.facts },
    carried: v.replay.carried,
    tables: v.tables,
    differences: v.differences,
    divergences: v.replay.divergences,
  }
}

/** `rebuild --verify`: what was replayed, rows per table, then every difference (table, key, column, live vs rebuilt). */
export function formatVerification(v: RebuildVerification): string[] {
  const r = v.replay
  const lines = [`Replayed ${r.events} chain events, ${r.reports} position reports, ${r.transitions} relayer transitions and ${r.facts} published facts.`]
  for (const t of v.tables) lines.push(`  ${t.table.padEnd(22)} live ${String(t.live).padStart(6)}  rebuilt ${String(t.rebuilt).padStart(6)}`)
  for (const d of r.divergences) lines.push(`${d.input} ${d.id}: ${d.detail}`)
  if (r.carried.length > 0) lines.push(`${r.carried.length} sent command(s) no recorded input decides (kept as facts, e.g. after chains resume): ${r.carried.join(', ')}`)
  if (v.equal) {
    lines.push('Equal: the live derived state is exactly what the recorded inputs give.')
    return lines
  }
  lines.push(`${v.differences.length} difference${v.differences.length === 1 ? '' : 's'}:`)
  for (const d of v.differences)
    lines.push(
      d.column === null
        ? `  ${d.table}  ${d.key}  ${d.live === null ? 'missing live' : 'missing rebuilt'}: ${d.live ?? d.rebuilt}`
        : `  ${d.table}  ${d.key}  ${d.column}  live ${d.live ?? 'null'}  rebuilt ${d.rebuilt ?? 'null'}`,
    )
  return lines
}

/** `chains list`: one line per chain (id, name, checkpoint, head, halt). */
export function formatChains(chains: ChainSummary[]): string[] {
  return chains.map(
    (c) =>
      `${String(c.chainId).padEnd(8)} ${c.name.padEnd(14)} checkpoint ${String(c.checkpoint ?? '-').padStart(8)}  head ${String(c.head ?? '-').padStart(8)}  ${c.haltedReason ? `HALTED ${c.haltedAt?.toISOString() ?? ''}: ${c.haltedReason}` : 'running'}`,
  )
}

/** `chains list --json` / `chains resume --json`: bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
}

/** `chains resume`: what was removed, rebuilt and kept. */
export function formatResume(r: ResumeResult): string[] {
  return [
    `Chain ${r.chainId}: fork point block ${r.forkBlock} (${r.forkHash || 'none'}); checkpoint moved from ${r.previousCheckpoint} to ${r.forkBlock}, halt cleared.`,
    `Removed ${r.removedEvents} chain events of orphaned blocks and ${r.removedTransitions} records of executions in them (see table reorg_removals).`,
    `Rebuilt the derived state from ${r.replay.events} chain events, ${r.replay.reports} position reports and ${r.replay.transitions} relayer transitions.`,
    `Commands: ${r.addedCommands.length} added, ${r.removedCommands.length} never sent and removed, ${r.changedCommands.length} changed state, ${r.keptCommands.length} sent and kept though no longer decided.`,
    ...r.keptCommands.map((id) => `  kept ${id}`),
    ...r.replay.divergences.map((d) => `  ${d.input} ${d.id}: ${d.detail}`),
    'A running node on this database ingests the new history within a second; a stopped one does when it starts.',
  ]
}
