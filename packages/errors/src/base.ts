export type UnimarginErrorParameters = {
  /** the error that caused this one, kept as `cause` and reached by {@link UnimarginError.walk} */
  cause?: unknown
  /** further lines for the full message (figures, ids, what to check), after `shortMessage` */
  metaMessages?: readonly string[]
}

/**
 * The base of every error the project throws. `shortMessage` is the one-line reason; `message` adds the
 * `metaMessages` lines; the cause is kept as `cause`. `retryable` says whether trying the same thing again may succeed
 * (a network failure, a block not yet final) or never can (bad input, a refusal no retry changes); each subclass
 * that may succeed on a retry declares `override readonly retryable = true`. `walk` follows the `cause` chain. Modelled on viem's `BaseError`.
 * @example class FeedStaleError extends UnimarginError { override name = 'FeedStaleError'; override retryable = true }
 */
export class UnimarginError extends Error {
  override name = 'UnimarginError'
  /** whether trying the same thing again may succeed (false unless the subclass says so) */
  readonly retryable: boolean = false
  readonly shortMessage: string
  readonly metaMessages: readonly string[]

  constructor(shortMessage: string, parameters: UnimarginErrorParameters = {}) {
    super([shortMessage, ...(parameters.metaMessages ?? [])].join('\n'), parameters.cause === undefined ? undefined : { cause: parameters.cause })
    this.shortMessage = shortMessage
    this.metaMessages = parameters.metaMessages ?? []
  }

  /**
   * Follows the `cause` chain from this error: the first error (this one included) for which `predicate` holds, or
   * without a predicate the innermost cause.
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    return walk(this, predicate)
  }
}

/**
 * Follows the `cause` chain from `error`: the first error (`error` included) for which `predicate` holds (undefined
 * when none does), or without a predicate the innermost cause. Stops at a cycle.
 */
export function walk(error: unknown, predicate?: (error: unknown) => boolean): unknown {
  const seen = new Set<unknown>()
  let current = error
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current)
    if (predicate?.(current)) return current
    const next = (current as { cause?: unknown }).cause
    if (next === undefined || next === null) return predicate ? undefined : current
    current = next
  }
  return predicate ? undefined : current
}

/**
 * Whether trying again may succeed after `error`: the `retryable` of the first {@link UnimarginError} on its cause
 * chain; `fallback` for an error that is not one (a library's, e.g. a viem RPC error).
 */
export function isRetryable(error: unknown, fallback = true): boolean {
  const own = walk(error, (e) => e instanceof UnimarginError) as UnimarginError | undefined
  return own ? own.retryable : fallback
}
