import type { Hex } from 'viem'
import type { DbOrTx } from '../client.js'
import { type CommandState, commands } from '../schema.js'

/** The command id of test number `n`: a 32-byte 0x-hex value. */
export const testCommandId = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`

/** Inserts commands `ids` straight into `commands` in `state` (no transition), as a test's starting point. */
export async function insertTestCommands(db: DbOrTx, ids: readonly Hex[], state: CommandState = 'pending'): Promise<void> {
  await db.insert(commands).values(
    ids.map((id) => ({ id, kind: 'Lock', account: `0x${id.slice(26)}`, destChainId: 31338, vault: `0x${'11'.repeat(20)}`, payload: '0x00' as const, expiry: 1n, cause: 'test', state })),
  )
}
