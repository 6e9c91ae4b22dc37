export { applyEvent, type ApplyResult, type ChainEventRow } from './applyEvent.js'
export { type EventArgs, eventArgs, type EventName, parseEventArgs } from './args.js'
export { processEvent, transitionsSeen } from './processEvent.js'
