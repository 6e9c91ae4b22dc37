/** `CommandExecuted.outcome` codes emitted by MarginVault, by name. */
export const commandOutcomes = ['applied', 'voided_by_lock', 'stale_epoch', 'request_not_pending'] as const
export type CommandOutcome = (typeof commandOutcomes)[number]

export function outcomeName(code: number): string {
  return commandOutcomes[code] ?? `unknown_${code}`
}
