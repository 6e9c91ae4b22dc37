import type { ParameterSet, ParameterSetHistory } from './types.js'

/** What a hub records per account to choose its parameter set. */
export type AccountParameterRecord = {
  /** version of the set the account was last margined under (after its last risk-adding change, or its first) */
  version: number
  /** when the account last added risk (`addsRisk`), unix ms; null if never since it was pinned */
  riskAddedAtMs: number | null
}

/** The set to margin an account under, and why. */
export type ParameterSetChoice = {
  set: ParameterSet
  /**
   * `current`: the account is on the latest set; `grace`: a newer set exists but the account added no risk since it
   * took effect, and the grace window runs; `added-risk`: it added risk since, so it is on the latest set;
   * `grace-expired`: the window is over; `unknown-version`: its set is no longer in the history
   */
  reason: 'current' | 'grace' | 'added-risk' | 'grace-expired' | 'unknown-version'
  /** in `grace`: when the window ends, unix ms; else null */
  graceEndsMs: number | null
}

/**
 * The parameter set an account is margined under at `nowMs`. The latest set with `effectiveAtMs ≤ nowMs` applies,
 * except that an account still pinned to an older set keeps it for `history.graceSeconds` after the first set that
 * superseded it took effect, as long as it added no risk since then (`addsRisk`): a recalibration alone never makes
 * it liquidatable during the window; it has that long to add collateral or reduce.
 * @throws {RangeError} when no set is in effect at `nowMs`
 * @example parameterSetFor({ version: 3, riskAddedAtMs: null }, history, Date.now()).set.version
 */
export function parameterSetFor(account: AccountParameterRecord, history: ParameterSetHistory, nowMs: number): ParameterSetChoice {
  const live = history.sets.filter((s) => s.effectiveAtMs <= nowMs)
  const current = live[live.length - 1]
  if (!current) throw new RangeError(`No parameter set is in effect at ${new Date(nowMs).toISOString()}.`)
  if (account.version >= current.version) return { set: current, reason: 'current', graceEndsMs: null }
  const pinned = live.find((s) => s.version === account.version)
  const successor = live.find((s) => s.version > account.version)
  if (!pinned || !successor) return { set: current, reason: 'unknown-version', graceEndsMs: null }
  if (account.riskAddedAtMs !== null && account.riskAddedAtMs >= successor.effectiveAtMs) return { set: current, reason: 'added-risk', graceEndsMs: null }
  const graceEndsMs = successor.effectiveAtMs + history.graceSeconds * 1000
  if (nowMs < graceEndsMs) return { set: pinned, reason: 'grace', graceEndsMs }
  return { set: current, reason: 'grace-expired', graceEndsMs: null }
}
