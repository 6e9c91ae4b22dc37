import type { AccountRisk } from '../types.js'

/**
 * Latency buffer of a route (docs/architecture "Latency-aware safety buffers"): `z · σ · sqrt(L / H)`, usd8, rounded up.
 * σ is `risk.pnlSigmaUsd8`, the σ of portfolio P&L over the grid horizon H (`risk.sigmaHorizonSeconds`), taken as the
 * worst counted scenario loss divided by the grid's `sigmaCoverage` (the number of σ the grid's moves stand for).
 * So σ inherits the grid's treatment of hedges, option convexity, vol shocks and decorrelation, and scaling by
 * sqrt(L / H) assumes independent increments (square-root-of-time).
 * @param risk the account's risk
 * @param latencySeconds the route's delivery latency L (p99), seconds
 * @param z the confidence multiplier z_α (e.g. 2.33 for 99%)
 */
export function latencyBufferUsd8(risk: Pick<AccountRisk, 'pnlSigmaUsd8' | 'sigmaHorizonSeconds'>, latencySeconds: number, z: number): bigint {
  if (!(latencySeconds >= 0) || !(z >= 0)) throw new RangeError('latencySeconds and z must be ≥ 0.')
  const scale = z * Math.sqrt(latencySeconds / risk.sigmaHorizonSeconds)
  // exact enough: σ in usd8 times a float scale, rounded up with one unit of slack
  return BigInt(Math.ceil(Number(risk.pnlSigmaUsd8) * scale)) + (scale > 0 ? 1n : 0n)
}
