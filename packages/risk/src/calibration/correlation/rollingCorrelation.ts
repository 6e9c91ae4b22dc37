/** A correlation matrix of log returns over a rolling window. */
export type CorrelationMatrix = {
  /** underlyings, in the order of the matrix's rows */
  underlyings: readonly string[]
  /** ρ[i][j], Pearson correlation of the log returns of i and j, 1 on the diagonal; 0 where a series is flat */
  rho: number[][]
  /** returns in the window */
  observations: number
}

/**
 * Pearson correlations of the log returns of several underlyings over the last `window` joint observations. Feed it
 * one price per underlying per observation (e.g. each oracle round, or the hourly close); no I/O, O(U²·window) per
 * `matrix()`. The window is a plain moving window (every return weighted equally), the estimator the SPAN inter-
 * commodity credits and Eurex Prisma's correlation-break checks read.
 * @example
 * const c = new RollingCorrelation(['BTC', 'ETH'], 720)
 * c.push({ BTC: 60_000, ETH: 3_000 }); c.push({ BTC: 60_600, ETH: 3_050 }) // ...
 * c.matrix().rho[0][1]
 */
export class RollingCorrelation {
  readonly underlyings: readonly string[]
  readonly window: number
  private readonly returns: Float64Array[]
  private last: Float64Array | null = null
  private count = 0
  private next = 0

  /**
   * @param underlyings the series tracked, in matrix order
   * @param window how many returns the window holds, ≥ 2
   * @throws {RangeError} when the window is below 2 or an underlying repeats
   */
  constructor(underlyings: readonly string[], window: number) {
    if (!(Number.isInteger(window) && window >= 2)) throw new RangeError(`The correlation window must be an integer ≥ 2, got ${window}.`)
    if (new Set(underlyings).size !== underlyings.length) throw new RangeError('The underlyings of a correlation must be distinct.')
    this.underlyings = [...underlyings]
    this.window = window
    this.returns = underlyings.map(() => new Float64Array(window))
  }

  /** returns in the window */
  get observations(): number {
    return this.count
  }

  /**
   * Adds one joint observation: a price (> 0, any unit) for every underlying; the first one only sets the base.
   * @throws {RangeError} when an underlying has no price or a price is not finite and > 0
   */
  push(prices: Readonly<Record<string, number>>): void {
    const now = Float64Array.from(this.underlyings, (u) => {
      const p = prices[u]
      if (p === undefined || !(p > 0 && Number.isFinite(p))) throw new RangeError(`No valid price of ${u} in the observation (got ${p}).`)
      return p
    })
    if (this.last) {
      for (let i = 0; i < now.length; i++) this.returns[i]![this.next] = Math.log(now[i]! / this.last[i]!)
      this.next = (this.next + 1) % this.window
      this.count = Math.min(this.window, this.count + 1)
    }
    this.last = now
  }

  /** The correlation matrix of the returns in the window (identity when fewer than 2 returns). */
  matrix(): CorrelationMatrix {
    const U = this.underlyings.length
    const n = this.count
    const mean = this.returns.map((r) => {
      let s = 0
      for (let k = 0; k < n; k++) s += r[k]!
      return n > 0 ? s / n : 0
    })
    const rho: number[][] = Array.from({ length: U }, (_, i) => Array.from({ length: U }, (_, j) => (i === j ? 1 : 0)))
    if (n < 2) return { underlyings: this.underlyings, rho, observations: n }
    for (let i = 0; i < U; i++) {
      for (let j = i + 1; j < U; j++) {
        let sxy = 0
        let sxx = 0
        let syy = 0
        for (let k = 0; k < n; k++) {
          const x = this.returns[i]![k]! - mean[i]!
          const y = this.returns[j]![k]! - mean[j]!
          sxy += x * y
          sxx += x * x
          syy += y * y
        }
        const r = sxx > 0 && syy > 0 ? Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))) : 0
        rho[i]![j] = r
        rho[j]![i] = r
      }
    }
    return { underlyings: this.underlyings, rho, observations: n }
  }
}

/** Mean |ρ| over the distinct pairs of `m` (restricted to `among` when given); 0 with fewer than two underlyings. */
export function meanAbsCorrelation(m: CorrelationMatrix, among?: readonly string[]): number {
  const idx = m.underlyings.map((u, i) => [u, i] as const).filter(([u]) => !among || among.includes(u)).map(([, i]) => i)
  let sum = 0
  let pairs = 0
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < idx.length; b++) {
      sum += Math.abs(m.rho[idx[a]!]![idx[b]!]!)
      pairs++
    }
  }
  return pairs === 0 ? 0 : sum / pairs
}
