import { chainEvents, type DbOrTx, eq, positions, sql } from '@unimargin/db'
import { type BoundHit, type ParameterSetChoice, parameterSetFor } from '@unimargin/risk'
import { getAddress } from 'viem'
import type { RiskParameterState } from './replayParameterSets.js'

/** The parameter set in force for one account, as the account view shows it. */
export type AccountParameterSetView = {
  version: number
  /** when that set took effect, unix s */
  effectiveAt: number
  /** see `ParameterSetChoice.reason` */
  reason: ParameterSetChoice['reason']
  /** end of the grace window, unix s; null outside one */
  graceEndsAt: number | null
  /** the latest version, for comparison */
  latestVersion: number
  /** what moved that set: the realised σ and mean |ρ| it was computed from, and the bounds that bound */
  movedBy: { realizedSigmaHorizon: Record<string, number>; meanAbsCorrelation: number | null; bounds: readonly BoundHit[] }
}

/**
 * The set an account is margined under (`parameterSetFor`), with the hub's record of the account: it is pinned to the
 * set in force at its last change (the newest vault event naming it, or the newest position report), and any change
 * counts as adding risk. This is stricter than `addsRisk` (a reduction also re-pins), so it never grants a grace the
 * precise rule would refuse: an account that has not changed since a recalibration keeps its set for the window.
 * @returns null before the first set
 */
export async function accountParameterSet(db: DbOrTx, state: RiskParameterState, address: string, nowMs: number): Promise<AccountParameterSetView | null> {
  const sets = state.history.sets
  const latest = sets[sets.length - 1]
  if (!latest || latest.effectiveAtMs > nowMs) return null
  const account = getAddress(address)
  const [event] = await db
    .select({ t: sql<string | null>`max(${chainEvents.blockTimestamp})` })
    .from(chainEvents)
    .where(sql`${chainEvents.args}->>'account' = ${account}`)
  const [report] = await db.select({ t: sql<Date | string | null>`max(${positions.updatedAt})` }).from(positions).where(eq(positions.account, account))
  const times = [event?.t ? Number(event.t) * 1000 : null, report?.t ? new Date(report.t).getTime() : null].filter((t): t is number => t !== null)
  const changedAtMs = times.length === 0 ? null : Math.max(...times)
  const pinned = changedAtMs === null ? latest : ([...sets].reverse().find((s) => s.effectiveAtMs <= changedAtMs) ?? sets[0]!)
  const choice = parameterSetFor({ version: pinned.version, riskAddedAtMs: null }, state.history, nowMs)
  const { realizedSigmaHorizon, meanAbsCorrelation, bounds } = choice.set.movedBy
  return {
    version: choice.set.version,
    effectiveAt: Math.floor(choice.set.effectiveAtMs / 1000),
    reason: choice.reason,
    graceEndsAt: choice.graceEndsMs === null ? null : Math.floor(choice.graceEndsMs / 1000),
    latestVersion: latest.version,
    movedBy: { realizedSigmaHorizon: { ...realizedSigmaHorizon }, meanAbsCorrelation, bounds },
  }
}
