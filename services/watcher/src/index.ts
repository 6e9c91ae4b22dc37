export { toJsonArgs } from './args.js'
export { FinalityViolationError } from './errors.js'
export { createWatcher, type CreateWatcherParameters, type WatchedContract, type Watcher, type WatcherStatus } from './watcher.js'
