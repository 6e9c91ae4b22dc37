export { CommandDecodeError, decodeCommand, encodeCommand } from './codec.js'
export {
  COMMAND_VERSION,
  type Command,
  CommandKind,
  type CommandKindName,
  type CommandOf,
  commandLayout,
  RejectReason,
  type RejectReasonName,
} from './layout.js'
export { type CommandOutcome, commandOutcomeName, commandOutcomes } from './outcome.js'
