export { createPollLoop, type PollLoop, type PollLoopParameters } from './pollLoop.js'
