export { toJsonArgs } from './args.js'
export { ChainHaltError, FinalityViolationError, type QuorumAnswer, QuorumDisagreementError, QuorumUnavailableError } from './errors.js'
export { createWatcher, type CreateWatcherParameters, type WatchedContract, type Watcher, type WatcherStatus } from './watcher.js'
export { findForkPoint, type StoredBlock } from './forkPoint.js'
