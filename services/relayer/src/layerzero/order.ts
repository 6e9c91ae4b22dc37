import { and, commands, commandTransitions, type Db, eq, inArray, lt, sql } from '@unimargin/db'
import type { Hex } from 'viem'

/** States in which a published command may still be delivered (so later packets on its path wait for it). */
const LIVE = ['published', 'attested', 'delivered', 'failed'] as const

/**
 * Commands sent over LayerZero to `destChainId` with a lower nonce than `nonce` that are still live (not executed,
 * not dead-lettered), with their nonces. Every LayerZero command to one chain shares one path (MarginHub → that
 * vault), so delivering a packet only once no other such command remains keeps delivery in nonce order; a
 * dead-lettered packet does not hold the path up, nor does a packet whose command fell back to Wormhole (the
 * endpoint needs it verified, not executed).
 */
export async function earlierLivePackets(db: Db, destChainId: number, nonce: bigint): Promise<{ id: Hex; nonce: bigint }[]> {
  const rows = await db
    .select({ id: commands.id, nonce: commands.sequence })
    .from(commands)
    .where(
      and(
        eq(commands.destChainId, destChainId),
        inArray(commands.state, [...LIVE]),
        lt(commands.sequence, nonce),
        // its latest publish was over LayerZero and it has not fallen back to Wormhole since
        sql`(select t.detail->>'transport' from ${commandTransitions} t where t.command_id = ${commands.id} and (t.to_state = 'published' or t.detail->>'fallback' is not null) order by t.id desc limit 1) = 'layerzero'`,
      ),
    )
  return rows.map((r) => ({ id: r.id, nonce: r.nonce! }))
}

/**
 * The `LzWorker.deliver` transactions this relayer has sent and not settled yet, per destination chain: the commands
 * each carries (their nonces are in the outbox). A later delivery to the same chain need not wait for them: it is sent
 * at once, guarded on chain by their highest nonce below its own (see {@link orderBehind}).
 */
export type InFlightDeliveries = {
  /**
   * Records a delivery to `destChainId` of the commands `ids`.
   * @returns a function that removes it (idempotent); call it once its receipt is processed or its send failed.
   */
  add(destChainId: number, ids: readonly string[]): () => void
  /** Whether command `id` is in a delivery to `destChainId` in flight. */
  has(destChainId: number, id: string): boolean
  /** Deliveries in flight to `destChainId`. */
  count(destChainId: number): number
}

/** An empty {@link InFlightDeliveries}, kept in memory. */
export function createInFlightDeliveries(): InFlightDeliveries {
  const byChain = new Map<number, Set<ReadonlySet<string>>>()
  return {
    add(destChainId, ids) {
      const entry: ReadonlySet<string> = new Set(ids)
      const set = byChain.get(destChainId) ?? new Set()
      byChain.set(destChainId, set)
      set.add(entry)
      return () => {
        set.delete(entry)
        if (set.size === 0 && byChain.get(destChainId) === set) byChain.delete(destChainId)
      }
    },
    has(destChainId, id) {
      for (const entry of byChain.get(destChainId) ?? []) if (entry.has(id)) return true
      return false
    },
    count: (destChainId) => byChain.get(destChainId)?.size ?? 0,
  }
}

/**
 * How a delivery of packets whose lowest nonce is `first` may go out, given the earlier live packets of its path
 * that are not part of it (`blockers`, from {@link earlierLivePackets}) and whether each is in a delivery this relayer
 * has in flight (`inFlight`). A blocker in flight below `first` is left to the chain: the delivery is guarded by the
 * highest such nonce (`afterNonce`, for `LzWorker.deliver`), which executes only after the deliveries before it did,
 * since each of those stops at its first failure and is guarded in turn. Any other blocker (claimed by another node,
 * waiting for a retry, or in flight but above `first`) holds back the packets above it as before.
 * @returns `afterNonce`, 0n when no blocker is in flight below `first` (no guard, so a dead-lettered predecessor
 * never holds the path); `holdAbove`, the lowest nonce the packets above which must wait, if any.
 */
export function orderBehind<Id extends string>(
  blockers: readonly { id: Id; nonce: bigint }[],
  inFlight: (id: Id) => boolean,
  first: bigint,
): { afterNonce: bigint; holdAbove: bigint | undefined } {
  let afterNonce = 0n
  let holdAbove: bigint | undefined
  for (const b of blockers) {
    if (b.nonce < first && inFlight(b.id)) {
      if (b.nonce > afterNonce) afterNonce = b.nonce
    } else if (holdAbove === undefined || b.nonce < holdAbove) holdAbove = b.nonce
  }
  return { afterNonce, holdAbove }
}
