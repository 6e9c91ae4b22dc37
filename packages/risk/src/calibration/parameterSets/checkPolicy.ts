import type { ParameterSetPolicy } from './types.js'

/**
 * Checks an anti-procyclicality policy.
 * @throws {RangeError} when the stressed weight is below 0.25 (Art. 28(1)(b)) or above 1, a step is not > 0 (down
 *   steps also < 1), the cooldown, grace or minChange is negative, maxCredit or a correlation is outside 0..1, or a
 *   stressed σ or the σ multiple (`coverage`) is not > 0
 */
export function checkPolicy(p: ParameterSetPolicy): void {
  const fail = (m: string) => {
    throw new RangeError(`Parameter-set policy: ${m}.`)
  }
  if (!(p.stressedWeight >= 0.25 && p.stressedWeight <= 1)) fail(`the stressed weight must be within 0.25..1, got ${p.stressedWeight}`)
  if (!(p.maxStepUp > 0) || !(p.maxStepDown > 0 && p.maxStepDown < 1)) fail('steps must be > 0 (and the down step < 1)')
  if (!(p.maxCreditStep > 0)) fail('the maxCredit step must be > 0')
  if (!(p.cooldownSeconds >= 0 && p.graceSeconds >= 0 && p.minChange >= 0)) fail('cooldown, grace and minChange must be ≥ 0')
  if (!(p.maxCredit >= 0 && p.maxCredit <= 1)) fail(`maxCredit must be within 0..1, got ${p.maxCredit}`)
  if (!(p.stressedMeanAbsCorrelation >= 0 && p.stressedMeanAbsCorrelation <= 1)) fail('the stressed correlation must be within 0..1')
  if (p.coverage !== undefined && !(p.coverage > 0 && Number.isFinite(p.coverage))) fail(`the σ multiple (coverage) must be > 0, got ${p.coverage}`)
  for (const [u, s] of Object.entries(p.stressedSigmaHorizon)) if (!(s > 0 && Number.isFinite(s))) fail(`the stressed σ of ${u} must be > 0`)
}
