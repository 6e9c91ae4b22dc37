/** One close of a series (any unit; only ratios are used). */
export type Close = { tMs: number; close: number }

/**
 * σ of the log return over `horizonSeconds` in the worst stretch of a stressed period: over every run of
 * `windowSteps` consecutive returns of the series, the root mean square of the log returns (zero mean, the usual
 * choice for short horizons), scaled by `sqrt(horizon / step)` with the median spacing of the series as the step;
 * the largest over the runs. Feed it the hourly closes of `shared/data/prices/crash_windows/` to get the stressed σ
 * of the anti-procyclicality floor (`ParameterSetPolicy.stressedSigmaHorizon`).
 * @param windowSteps returns per run, ≥ 2 (e.g. 24 for a day of hourly closes)
 * @throws {RangeError} when the series is shorter than windowSteps + 1 or a close is not > 0
 */
export function stressedSigmaHorizon(series: readonly Close[], horizonSeconds: number, windowSteps: number): number {
  if (!(Number.isInteger(windowSteps) && windowSteps >= 2)) throw new RangeError(`windowSteps must be an integer ≥ 2, got ${windowSteps}.`)
  if (series.length < windowSteps + 1) throw new RangeError(`Need at least ${windowSteps + 1} closes, got ${series.length}.`)
  const r: number[] = []
  const dt: number[] = []
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1]!
    const b = series[i]!
    if (!(a.close > 0 && b.close > 0)) throw new RangeError(`A close must be > 0 (at ${b.tMs}).`)
    r.push(Math.log(b.close / a.close))
    dt.push((b.tMs - a.tMs) / 1000)
  }
  const step = [...dt].sort((x, y) => x - y)[Math.floor(dt.length / 2)]!
  let sum = 0
  for (let i = 0; i < windowSteps; i++) sum += r[i]! * r[i]!
  let worst = sum
  for (let i = windowSteps; i < r.length; i++) {
    sum += r[i]! * r[i]! - r[i - windowSteps]! * r[i - windowSteps]!
    if (sum > worst) worst = sum
  }
  return Math.sqrt((Math.max(0, worst) / windowSteps) * (horizonSeconds / step))
}
