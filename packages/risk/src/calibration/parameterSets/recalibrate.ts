import { effectiveMaxCredit } from '../correlation/effectiveMaxCredit.js'
import { meanAbsCorrelation } from '../correlation/rollingCorrelation.js'
import { checkPolicy } from './checkPolicy.js'
import type { BoundHit, CalibrationInputs, ParameterSet, ParameterSetPolicy } from './types.js'

/** The outcome of a recalibration: a new set, or why the current one stays. */
export type Recalibration =
  | { updated: true; set: ParameterSet }
  | { updated: false; set: ParameterSet; reason: 'cooldown' | 'unchanged' }

/**
 * Derives the next parameter set from market inputs, within the policy's bounds (pure; the caller stores the sets).
 * Per underlying u, realised σ_r and stressed σ_s (policy, `*` for the rest):
 * 1. target `σ_t = sqrt(w·σ_s² + (1 − w)·σ_r²)`: the stressed period weighted w ≥ 25% (Art. 28(1)(b)), a floor of
 *    `sqrt(w)·σ_s` that no calm market goes below;
 * 2. bounded step from the set in force: `σ = clamp(σ_t, σ_prev·(1 − maxStepDown), σ_prev·(1 + maxStepUp))`.
 * maxCredit: `effectiveMaxCredit` at `ρ̄ = w·ρ̄_s + (1 − w)·ρ̄_r` (ρ̄ = mean |ρ| over pairs; ρ̄_s without a
 * correlation input), then within ±maxCreditStep of the previous. The first set takes the targets unbounded.
 * No new version inside the cooldown, or when no σ moves by minChange (relative) and maxCredit by minChange.
 * Underlyings in force but missing from the inputs keep their σ.
 * @param current the set in force, null before the first
 * @throws {RangeError} on an invalid policy, or a realised σ that is not finite and > 0
 */
export function recalibrate(current: ParameterSet | null, inputs: CalibrationInputs, nowMs: number, policy: ParameterSetPolicy): Recalibration {
  checkPolicy(policy)
  if (current && nowMs - current.effectiveAtMs < policy.cooldownSeconds * 1000) return { updated: false, set: current, reason: 'cooldown' }
  const w = policy.stressedWeight
  const bounds: BoundHit[] = []
  const sigmaHorizon: Record<string, number> = { ...(current?.sigmaHorizon ?? {}) }
  let moved = current === null
  for (const [u, realized] of Object.entries(inputs.realizedSigmaHorizon)) {
    if (!(realized > 0 && Number.isFinite(realized))) throw new RangeError(`The realised σ of ${u} must be > 0, got ${realized}.`)
    const stressed = policy.stressedSigmaHorizon[u] ?? policy.stressedSigmaHorizon['*'] ?? 0
    const target = Math.sqrt(w * stressed * stressed + (1 - w) * realized * realized)
    const parameter = `sigmaHorizon.${u}`
    if (target > realized) bounds.push({ parameter, bound: 'stressed', target: realized, value: target })
    const prev = current?.sigmaHorizon[u]
    let value = target
    if (prev !== undefined) {
      const hi = prev * (1 + policy.maxStepUp)
      const lo = prev * (1 - policy.maxStepDown)
      if (value > hi) {
        bounds.push({ parameter, bound: 'stepUp', target, value: hi })
        value = hi
      } else if (value < lo) {
        bounds.push({ parameter, bound: 'stepDown', target, value: lo })
        value = lo
      }
      if (Math.abs(value - prev) > policy.minChange * prev) moved = true
    } else moved = true
    sigmaHorizon[u] = value
  }
  const realizedRho = inputs.correlation ? meanAbsCorrelation(inputs.correlation) : null
  const rho = realizedRho === null ? policy.stressedMeanAbsCorrelation : w * policy.stressedMeanAbsCorrelation + (1 - w) * realizedRho
  const shrink = { maxCredit: policy.maxCredit, referenceCorrelation: policy.referenceCorrelation, exponent: policy.correlationExponent }
  const creditTarget = effectiveMaxCredit(rho, shrink)
  if (realizedRho !== null && creditTarget < effectiveMaxCredit(realizedRho, shrink)) {
    bounds.push({ parameter: 'maxCredit', bound: 'stressed', target: effectiveMaxCredit(realizedRho, shrink), value: creditTarget })
  }
  let maxCredit = creditTarget
  if (current) {
    if (maxCredit > current.maxCredit + policy.maxCreditStep) {
      bounds.push({ parameter: 'maxCredit', bound: 'stepUp', target: creditTarget, value: current.maxCredit + policy.maxCreditStep })
      maxCredit = current.maxCredit + policy.maxCreditStep
    } else if (maxCredit < current.maxCredit - policy.maxCreditStep) {
      bounds.push({ parameter: 'maxCredit', bound: 'stepDown', target: creditTarget, value: current.maxCredit - policy.maxCreditStep })
      maxCredit = current.maxCredit - policy.maxCreditStep
    }
    if (Math.abs(maxCredit - current.maxCredit) > policy.minChange) moved = true
  }
  if (current && !moved) return { updated: false, set: current, reason: 'unchanged' }
  return {
    updated: true,
    set: {
      version: (current?.version ?? 0) + 1,
      effectiveAtMs: nowMs,
      sigmaHorizon,
      maxCredit,
      ...(policy.coverage !== undefined ? { coverage: policy.coverage } : {}),
      movedBy: { realizedSigmaHorizon: { ...inputs.realizedSigmaHorizon }, meanAbsCorrelation: realizedRho, correlation: inputs.correlation ?? null, bounds },
    },
  }
}
