import type { ChainConfig, Config } from '@unimargin/chains'
import type { HaltedChainView, ReadyView, StaleChainView } from '@unimargin/client'
import { type Db, listLeases } from '@unimargin/db'
import { type NodeState, readNodeState } from './nodeState.js'

/**
 * Block times a chain's head may go without advancing before `/ready` calls the chain stale. Ten missed blocks in a
 * row do not happen on a live chain (an Ethereum slot is missed about 1% of the time), so the chain has stopped, the
 * RPC serves a node that stopped following it, or its watcher stopped writing.
 */
export const STALE_HEAD_BLOCKS = 10
/**
 * The least head age, s, that counts as stale, for chains with fast blocks: above the watcher's longest retry
 * backoff (30 s), so one failed poll does not make the hub unready.
 */
export const STALE_HEAD_FLOOR_SECONDS = 60

/** Seconds `chain`'s head may go without advancing: max(10 block times, 60 s); 120 s for 12 s blocks. */
export function maxHeadAgeSeconds(chain: Pick<ChainConfig, 'blockTimeMs'>): number {
  return Math.max((STALE_HEAD_BLOCKS * chain.blockTimeMs) / 1000, STALE_HEAD_FLOOR_SECONDS)
}

/**
 * Whether the hub is ready, from the database alone (watchers may run in other processes): every configured chain
 * has a watcher checkpoint, none is halted (`halted_reason`), none has a head older than {@link maxHeadAgeSeconds}
 * (age from `head_seen_at`, or the checkpoint's `updated_at` before a head was recorded, to `now`; a halted chain
 * is listed as halted only), and no chain event observed more than `readyLagSeconds` ago is still unprocessed.
 * Lists every lease (`leases`: who ingests each chain and who sends from the relayer key when nodes share the
 * database), which does not change readiness. Reads {@link readNodeState} (`chain_checkpoints`, `chain_events`,
 * `commands`, the read `/v1/status` and `/metrics` share) and `leases`.
 * @param now the API's clock; the watcher stamps `head_seen_at` with its own, so clocks should agree within seconds.
 * @param state a state already read with `lateBefore` = `now` − `readyLagSeconds` (default: read here)
 * @returns the view `/ready` serves, with `ready` false when any list is non-empty or an event is late.
 */
export async function readReadiness(db: Db, config: Config, now: Date, readyLagSeconds: number, state?: NodeState): Promise<ReadyView> {
  const [{ checkpoints, unprocessed }, leaseRows] = await Promise.all([
    state ?? readNodeState(db, { lateBefore: new Date(now.getTime() - readyLagSeconds * 1000) }),
    listLeases(db),
  ])
  const byChain = new Map(checkpoints.map((r) => [Number(r.chainId), r]))
  const chainsWithoutCheckpoint: number[] = []
  const haltedChains: HaltedChainView[] = []
  const staleChains: StaleChainView[] = []
  for (const chain of config.chains) {
    const row = byChain.get(chain.chainId)
    if (!row) {
      chainsWithoutCheckpoint.push(chain.chainId)
      continue
    }
    const { chainId, name } = chain
    if (row.haltedReason !== null) {
      haltedChains.push({ chainId, name, reason: row.haltedReason, blockNumber: row.blockNumber.toString(), haltedAt: row.haltedAt?.toISOString() ?? null })
      continue
    }
    const seenAt = row.headSeenAt ?? row.updatedAt
    const headAgeSeconds = Math.max(0, Math.floor((now.getTime() - seenAt.getTime()) / 1000))
    const maxAge = maxHeadAgeSeconds(chain)
    if (headAgeSeconds > maxAge)
      staleChains.push({ chainId, name, headBlock: row.headBlock?.toString() ?? null, headSeenAt: seenAt.toISOString(), headAgeSeconds, maxHeadAgeSeconds: maxAge })
  }
  const lateUnprocessedEvents = unprocessed.reduce((sum, u) => sum + u.late, 0)
  const ready = chainsWithoutCheckpoint.length === 0 && haltedChains.length === 0 && staleChains.length === 0 && lateUnprocessedEvents === 0
  const leases = leaseRows.map((l) => {
    const watcher = /^watcher:(\d+)$/.exec(l.name)
    return {
      name: l.name,
      ...(watcher ? { chainId: Number(watcher[1]) } : {}),
      holder: l.holder,
      acquiredAt: l.acquiredAt.toISOString(),
      expiresAt: l.expiresAt.toISOString(),
      expired: l.expired,
    }
  })
  return { ready, chainsWithoutCheckpoint, lateUnprocessedEvents, haltedChains, staleChains, leases }
}
