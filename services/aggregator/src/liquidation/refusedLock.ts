import { and, commands, commandTransitions, type DbOrTx, eq, sql } from '@unimargin/db'

/**
 * The reason code a co-signer answers a Lock or Seize with when, by its own view of the chains, the account is not
 * below the liquidation trigger (`services/cosigner/src/checks.ts`, HTTP 409); the relayer keeps every refusal in the
 * command's `failed`/`dead` transition (`detail.refusals[].code`).
 */
export const HEALTHY_ACCOUNT_REFUSAL = 'healthy_account'

/**
 * A Lock of liquidation `cause` (`liquidation:<account>:<epoch>`) that a co-signer refused as a healthy account and
 * that has not executed since: its latest transition is `failed` or `dead` and one of its transitions records that
 * refusal. Only transitions up to id `seen` count (the input's `transitions_seen`, when known): `unimargin rebuild`
 * replays the relayer's transitions before the input that saw them, so a replay reaches the same answer.
 * Reads `commands` and `command_transitions` only.
 * @returns the first such command (lowest destination chain id), or undefined.
 */
export async function findCoSignerRefusedLock(tx: DbOrTx, cause: string, seen?: bigint): Promise<{ commandId: string; destChainId: number } | undefined> {
  const refusal = JSON.stringify([{ code: HEALTHY_ACCOUNT_REFUSAL }])
  const visible = seen === undefined ? sql`true` : sql`t.id <= ${seen.toString()}::bigint`
  const [row] = await tx
    .select({ commandId: commands.id, destChainId: commands.destChainId })
    .from(commands)
    .where(
      and(
        eq(commands.cause, cause),
        eq(commands.kind, 'Lock'),
        sql`(select t.to_state from ${commandTransitions} t where t.command_id = ${commands.id} and ${visible} order by t.id desc limit 1) in ('failed', 'dead')`,
        sql`exists (select 1 from ${commandTransitions} t where t.command_id = ${commands.id} and ${visible} and t.detail -> 'refusals' @> ${refusal}::jsonb)`,
      ),
    )
    .orderBy(commands.destChainId)
    .limit(1)
  return row
}
