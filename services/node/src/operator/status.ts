import type { ReadyView } from '@unimargin/client'

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
