import { MIN_SURFACE_VOL } from '../../pricing/index.js'
import type { UnderlyingScenarioParams, VolTermScaling } from '../../scenarios/index.js'

/**
 * Implied vol after a scenario's vol move, relative and term-scaled as in Deribit's portfolio margin (and Paradex's
 * SCAN risk): with d = days to expiry and p = `shortPower` below `referenceDays`, `longPower` above,
 * scale = (referenceDays / max(floorDays, d))^p;
 * up: max(σ·(1 + volUp·scale), minVolUp); down: max(σ·(1 − volDown·scale), MIN_SURFACE_VOL); flat: σ.
 * @param vol current implied vol (annualised fraction)
 * @param move +1 up, 0 flat, −1 down
 * @param timeYears time to expiry, years
 */
export function shockVol(vol: number, move: number, timeYears: number, params: UnderlyingScenarioParams, scaling: VolTermScaling): number {
  if (move === 0) return vol
  const days = timeYears * 365
  const power = days < scaling.referenceDays ? scaling.shortPower : scaling.longPower
  const scale = (scaling.referenceDays / Math.max(scaling.floorDays, days)) ** power
  if (move > 0) return Math.max(vol * (1 + params.volUp * scale), params.minVolUp)
  return Math.max(vol * (1 - params.volDown * scale), MIN_SURFACE_VOL)
}
