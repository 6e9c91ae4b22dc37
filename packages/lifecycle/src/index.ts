export { createPollLoop, type PollLoop, type PollLoopParameters } from './pollLoop.js'
export { createWatchdog, type Stall, type Watchdog, type WatchdogParameters } from './watchdog.js'
