import { and, commands, commandTransitions, type Db, eq, inArray, lt, sql } from '@unimargin/db'

/** States in which a published command may still be delivered (so later packets on its path wait for it). */
const LIVE = ['published', 'attested', 'delivered', 'failed'] as const

/**
 * Commands sent over LayerZero to `destChainId` with a lower nonce than `nonce` that are still live (not executed,
 * not dead-lettered), with their nonces. Every LayerZero command to one chain shares one path (MarginHub → that
 * vault), so delivering a packet only once no other such command remains keeps delivery in nonce order; a
 * dead-lettered packet does not hold the path up, nor does a packet whose command fell back to Wormhole (the
 * endpoint needs it verified, not executed).
 */
export async function earlierLivePackets(db: Db, destChainId: number, nonce: bigint): Promise<{ id: string; nonce: bigint }[]> {
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
