import { and, commands, commandTransitions, type Db, eq, inArray, lt, sql } from '@unimargin/db'

/** States in which a published command may still be delivered (so later packets on its path wait for it). */
const LIVE = ['published', 'attested', 'delivered', 'failed'] as const

/**
 * Ids of commands sent over LayerZero to `destChainId` with a lower nonce than `nonce` that are still live (not
 * executed, not dead-lettered). Every LayerZero command to one chain shares one path (MarginHub → that vault), so
 * delivering a packet only once this is empty keeps delivery in nonce order; a dead-lettered packet does not hold
 * the path up.
 */
export async function earlierLivePackets(db: Db, destChainId: number, nonce: bigint): Promise<string[]> {
  const rows = await db
    .select({ id: commands.id })
    .from(commands)
    .where(
      and(
        eq(commands.destChainId, destChainId),
        inArray(commands.state, [...LIVE]),
        lt(commands.sequence, nonce),
        sql`exists (select 1 from ${commandTransitions} t where t.command_id = ${commands.id} and t.to_state = 'published' and t.detail->>'transport' = 'layerzero')`,
      ),
    )
  return rows.map((r) => r.id)
}

/**
 * The transport a command was published with, from its `published` transition (`detail.transport`); undefined when
 * it was never published. Rows published before transports were recorded were Wormhole's.
 */
export async function publishedTransport(db: Db, commandId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ transport: sql<string | null>`${commandTransitions.detail}->>'transport'` })
    .from(commandTransitions)
    .where(and(eq(commandTransitions.commandId, commandId), eq(commandTransitions.toState, 'published')))
    .orderBy(commandTransitions.id)
    .limit(1)
  if (!row) return undefined
  return row.transport ?? 'wormhole'
}
