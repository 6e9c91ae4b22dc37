export { type CancelledCommands, cancelCommands } from './cancel.js'
export { claimDueCommands, countCommandAttempts, releaseClaims, rescheduleCommands } from './claim.js'
export { IllegalTransitionError, UnsettableColumnError } from './errors.js'
export { COMMAND_STATES, COMMAND_TRANSITIONS, isAllowedTransition, isCommandState, OPEN_COMMAND_STATES } from './states.js'
export {
  type CommandRef,
  type CommandRow,
  deadLetterCommand,
  type Hop,
  type Move,
  recordDeadCommandAction,
  retryDeadCommand,
  transitionCommand,
  transitionCommands,
  type TransitionSet,
} from './transition.js'
export {
  aggregatorTransition,
  copyDecidedCommand,
  mergeReplayedOutbox,
  type MergeReplayedOutboxParameters,
  type MergeReplayedOutboxResult,
  type OnRemove,
  type RecordedTransition,
  recordExecutionOutcome,
  removeOrphanedTransitions,
  replayRecordedTransition,
  type TransitionRow,
} from './restore.js'
export { type NewCommand, writeCommand } from './write.js'
