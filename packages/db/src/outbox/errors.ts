import type { CommandState } from '../schema.js'
import { UnimarginError } from '@unimargin/errors'

/** Thrown before anything is written when a move is not in the outbox's transition table (`COMMAND_TRANSITIONS`). */
export class IllegalTransitionError extends UnimarginError {
  override name = 'IllegalTransitionError'
  constructor(
    readonly commandId: string,
    readonly from: CommandState | null,
    readonly to: CommandState,
  ) {
    super(`Command ${commandId} cannot move from ${from ?? '(not yet written)'} to ${to}.`)
  }
}

/** Thrown before anything is written when a move would set a column a transition does not set. */
export class UnsettableColumnError extends UnimarginError {
  override name = 'UnsettableColumnError'
  constructor(readonly column: string) {
    super(`A command transition cannot set column ${column}.`)
  }
}
