export { isRetryable, UnimarginError, type UnimarginErrorParameters, walk } from './base.js'
