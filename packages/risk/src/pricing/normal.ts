import erfc from '@stdlib/math-base-special-erfc'

const INV_SQRT_2 = Math.SQRT1_2
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)

/**
 * Standard normal cumulative distribution function N(x) = ½·erfc(−x/√2).
 * Uses stdlib's erfc (FreeBSD msun algorithm), accurate to double precision in both tails, so deep in/out-of-the-money
 * prices neither lose digits nor turn into NaN. N(−∞) = 0, N(+∞) = 1, N(NaN) = NaN.
 * @param x standard score (dimensionless)
 * @returns probability in [0, 1]
 */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x * INV_SQRT_2)
}

/**
 * Standard normal probability density n(x) = e^{−x²/2}/√(2π). n(±∞) = 0.
 * @param x standard score (dimensionless)
 * @returns density (per unit of x)
 */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x)
}
