import { commandSignatures, type DbOrTx, inArray, normalizeHex } from '@unimargin/db'
import { type CoSignature, orderCoSignatures } from '@unimargin/protocol'
import { type Address, getAddress, type Hex } from 'viem'

/**
 * The relayer's writes to the outbox go through the outbox module of @unimargin/db, the only writer of command states
 * and `command_transitions` (which checks each move against its transition table); under the relayer's names.
 */
export {
  type CommandRow,
  claimDueCommands,
  countCommandAttempts as countAttempts,
  type Hop,
  type Move,
  releaseClaims,
  rescheduleCommands as rescheduleMany,
  transitionCommand as transition,
  transitionCommands as transitionMany,
} from '@unimargin/db'

/**
 * Stores co-signatures of command `commandId` (one row per signer; a signer already stored keeps its first
 * signature). The only writer of `command_signatures`.
 */
export async function storeCoSignatures(db: DbOrTx, commandId: string, signatures: readonly CoSignature[]): Promise<void> {
  if (signatures.length === 0) return
  await db
    .insert(commandSignatures)
    .values(signatures.map((s) => ({ commandId: normalizeHex(commandId, 'command_signatures.command_id'), signer: getAddress(s.signer), signature: normalizeHex(s.signature, 'command_signatures.signature') })))
    .onConflictDoNothing()
}

/** The stored co-signatures of each of `ids` (commands without any are absent). */
export async function coSignaturesOf(db: DbOrTx, ids: readonly string[]): Promise<Map<string, CoSignature[]>> {
  const out = new Map<string, CoSignature[]>()
  if (ids.length === 0) return out
  const rows = await db.select().from(commandSignatures).where(inArray(
      commandSignatures.commandId,
      ids.map((id) => normalizeHex(id, 'command_signatures.command_id')),
    ))
  for (const r of rows) out.set(r.commandId, [...(out.get(r.commandId) ?? []), { signer: r.signer as Address, signature: r.signature as Hex }])
  return out
}

/**
 * The signatures each of `ids` is published with: `threshold` of its stored co-signatures, by increasing signer, as
 * MarginHub's publish entry points take them. Commands holding fewer are absent.
 */
export async function publishableSignatures(db: DbOrTx, ids: readonly string[], threshold: number): Promise<Map<string, Hex[]>> {
  const out = new Map<string, Hex[]>()
  for (const [id, list] of await coSignaturesOf(db, ids)) {
    const ordered = orderCoSignatures(list)
    if (ordered.length >= threshold) out.set(id, ordered.slice(0, threshold))
  }
  return out
}
