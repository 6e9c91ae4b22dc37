import type { ChainProgress, ProgressSnapshot } from './snapshot.js'

/** How far and how fast one chain's ingestion goes, from two snapshots. */
export type ChainRates = {
  /** share of the blocks from `startBlock` to the target that are written, 0-100 (1 decimal); null before a head is known */
  syncedPercent: number | null
  /** blocks written per second between the two snapshots; null without a previous one */
  blocksPerSecond: number | null
  /** events ingested per second between the two snapshots; null without a previous one */
  eventsPerSecond: number | null
  /** seconds until the checkpoint reaches the target at the current block rate: 0 when there, null when unknown (no rate) */
  etaSeconds: number | null
}

/** Blocks left to write: target − checkpoint (the checkpoint is `startBlock − 1` before the first range), at least 0. */
function remaining(c: ChainProgress): bigint | null {
  if (c.target === null) return null
  const written = c.checkpoint ?? c.startBlock - 1n
  return c.target > written ? c.target - written : 0n
}

/**
 * The rates of each chain of `current` (matched by chain id in `previous`): % synced, blocks/s, events/s and ETA.
 * Rates are over `current.at − previous.at`; a chain whose checkpoint did not move has a rate of 0 and no ETA unless
 * it is synced. Pure.
 */
export function chainRates(current: ProgressSnapshot, previous?: ProgressSnapshot): ChainRates[] {
  const seconds = previous ? (current.at - previous.at) / 1000 : 0
  return current.chains.map((c) => {
    const left = remaining(c)
    const total = c.target === null ? null : c.target - c.startBlock + 1n
    const syncedPercent = left === null || total === null ? null : total <= 0n ? 100 : Number(((total - left) * 1000n) / total) / 10
    const before = previous?.chains.find((p) => p.chainId === c.chainId)
    if (!before || seconds <= 0) return { syncedPercent, blocksPerSecond: null, eventsPerSecond: null, etaSeconds: left === 0n ? 0 : null }
    const blocks = c.checkpoint !== null ? Number(c.checkpoint - (before.checkpoint ?? c.startBlock - 1n)) : 0
    const blocksPerSecond = Math.max(0, blocks) / seconds
    const eventsPerSecond = Math.max(0, c.events - before.events) / seconds
    const etaSeconds = left === null ? null : left === 0n ? 0 : blocksPerSecond > 0 ? Math.ceil(Number(left) / blocksPerSecond) : null
    return { syncedPercent, blocksPerSecond, eventsPerSecond, etaSeconds }
  })
}
