import type { Address } from 'viem'
import type { DbOrTx } from '../client.js'
import { normalizeHex } from '../hex.js'
import { commands, commandTransitions } from '../schema.js'

/** A new command, as the aggregator decided it. */
export type NewCommand = {
  /** the deterministic command id, 0x-hex bytes32 */
  id: string
  /** the command kind's name, e.g. `ApproveWithdrawal` */
  kind: string
  account: Address
  destChainId: number
  vault: Address
  /** the encoded command, 0x-hex */
  payload: string
  /** unix seconds (destination chain time) after which the vault refuses it */
  expiry: bigint
  /** why the command exists, e.g. `withdrawal:31338:4` */
  cause: string
}

/**
 * Writes `command` into the outbox in state `pending` with its `null → pending` transition (detail `{ cause }`),
 * atomically. Idempotent: a command with the same id is left as it is and nothing is recorded.
 * @param options.at when it was decided (default now): the transition's time and when the command is first due
 * @returns whether it was newly written.
 * @throws {InvalidHexError} when the id or payload is not hex.
 */
export async function writeCommand(db: DbOrTx, command: NewCommand, options: { at?: Date } = {}): Promise<{ created: boolean }> {
  const at = options.at ?? new Date()
  const id = normalizeHex(command.id, 'commands.id')
  const payload = normalizeHex(command.payload, 'commands.payload')
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(commands)
      .values({ ...command, id, payload, nextAttemptAt: at })
      .onConflictDoNothing()
      .returning({ id: commands.id })
    if (inserted.length === 0) return { created: false }
    await tx.insert(commandTransitions).values({ commandId: id, fromState: null, toState: 'pending', detail: { cause: command.cause }, at })
    return { created: true }
  })
}
