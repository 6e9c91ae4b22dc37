/**
 * What a vault did with a verified command, as `CommandExecuted.outcome` (u8) reports it; the index is the code
 * (`MarginVault.Outcome` in `contracts/src/MarginVault.sol`). Every outcome consumes the command. `rate_limited`:
 * an approval of an asset that is paused on that vault, or that would exceed the asset's outflow allowance for the
 * current period; the vault keeps the request pending. `superseded`: a SetLimits whose `limitsSequence` is not
 * greater than that of the asset's limits in force (a newer SetLimits got there first); the limits are unchanged;
 * or a Checkpoint whose epoch is not newer than the vault's checkpoint in force.
 * `vault_paused`: an approval while the vault's guardian has paused the whole vault; the request stays pending.
 */
export const commandOutcomes = [
  'applied',
  'voided_by_lock',
  'stale_epoch',
  'request_not_pending',
  'insufficient_liquidity',
  'rate_limited',
  'superseded',
  'vault_paused',
] as const
export type CommandOutcome = (typeof commandOutcomes)[number]

/** The name of outcome `code`, or `unknown_<code>` for a code this version does not know. */
export function commandOutcomeName(code: number): CommandOutcome | `unknown_${number}` {
  return commandOutcomes[code] ?? `unknown_${code}`
}
