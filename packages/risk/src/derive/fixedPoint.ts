import { UnimarginError } from '@unimargin/errors'

/**
 * 1e18 fixed-point arithmetic as Derive's contracts compute it (lyra-utils `DecimalMath`, `SignedDecimalMath`,
 * `FixedPointMathLib`). Every value is a bigint scaled by 1e18; every division truncates toward zero and every right
 * shift floors, as the EVM's `sdiv`/`div`/`sar` do. ln, exp and the normal CDF are the same rational approximations
 * evaluated in the same 2^96 / 2^64 binary bases, so results agree with the contract to the last wei (their own
 * error against the exact functions is below 1e-17; differences of that size matter here because the scenario losses
 * are differences of large option values and are checked to 1e-8 relative).
 * Sources: github.com/derivexyz/lyra-utils `src/math/FixedPointMathLib.sol`, `src/decimals/*.sol` (method only).
 */

/** 1.0 in 1e18 fixed point. */
export const UNIT = 10n ** 18n

/** Thrown where the contract reverts (ln of a non-positive number, exp overflow, division by zero). */
export class DeriveMathError extends UnimarginError {
  override readonly name = 'DeriveMathError'
}

/** x · y / 1e18, truncated toward zero (`multiplyDecimal`). */
export function mulDec(x: bigint, y: bigint): bigint {
  return (x * y) / UNIT
}

/** x · 1e18 / y, truncated toward zero (`divideDecimal`). @throws DeriveMathError when y is 0 */
export function divDec(x: bigint, y: bigint): bigint {
  if (y === 0n) throw new DeriveMathError('Division by zero.')
  return (x * UNIT) / y
}

/** Larger of two bigints. */
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

/** Smaller of two bigints. */
export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

/** |x| as bigint. */
export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x
}

/**
 * floor(log2(x)) for x > 0 (0 for 0): from the float64 log2 where it is more than 1e-9 from an integer (its error is
 * below 1e-13 for x < 2^1024), else from the length of the binary string.
 */
export function ilog2(x: bigint): number {
  if (x <= 0n) return 0
  const l = Math.log2(Number(x))
  const n = Math.floor(l)
  if (l - n > 1e-9 && l - n < 1 - 1e-9) return n
  return x.toString(2).length - 1
}

const LN_P7_SHIFTED = 795164235651350426258249787498n << 96n

/**
 * Natural log in 1e18 fixed point: range reduction to [1, 2)·2^96 and an (8, 8) rational approximation.
 * @throws DeriveMathError when x < 1 wei (the contract reverts: `LnNegativeUndefined` / `Overflow`)
 */
export function ln(x: bigint): bigint {
  if (x < 1n) throw new DeriveMathError(`ln of a non-positive value (${x}).`)
  const k = BigInt(ilog2(x) - 96)
  // the contract shifts left to bit 255 then logically right by 159: the leading bit lands on bit 96
  x = k >= 0n ? x >> k : x << -k
  let p = x + 3273285459638523848632254066296n
  p = ((p * x) >> 96n) + 24828157081833163892658089445524n
  p = ((p * x) >> 96n) + 43456485725739037958740375743393n
  p = ((p * x) >> 96n) - 11111509109440967052023855526967n
  p = ((p * x) >> 96n) - 45023709667254063763336534515857n
  p = ((p * x) >> 96n) - 14706773417378608786704636184526n
  p = p * x - LN_P7_SHIFTED
  let q = x + 5573035233440673466300451813936n
  q = ((q * x) >> 96n) + 71694874799317883764090561454958n
  q = ((q * x) >> 96n) + 283447036172924575727196451306956n
  q = ((q * x) >> 96n) + 401686690394027663651624208769553n
  q = ((q * x) >> 96n) + 204048457590392012362485061816622n
  q = ((q * x) >> 96n) + 31853899698501571402653359427138n
  q = ((q * x) >> 96n) + 909429971244387300277376558375n
  let r = p / q
  r *= 1677202110996718588342820967067443963516166n
  r += 16597577552685614221487285958193947469193820559219878177908093499208371n * k
  r += 600920179829731861736702779321621459595472258049074101567377883020018308n
  return r >> 174n
}

const EXP_ZERO_BELOW = -42139678854452767551n
const EXP_OVERFLOW_AT = 135305999368893231589n
const FIVE_POW_18 = 5n ** 18n
const LN2_BASE96 = 54916777467707473351141471128n
const HALF_BASE96 = 1n << 95n
const EXP_P5_SHIFTED = 4385272521454847904632057985693276n << 96n

/**
 * e^x in 1e18 fixed point: range reduction by powers of two and a (6, 7) rational approximation in base 2^96.
 * Returns 0 below x ≈ -42 (result < 0.5 wei).
 * @throws DeriveMathError when x ≥ ≈135.3 (`ExpOverflow`)
 */
export function exp(x: bigint): bigint {
  if (x <= EXP_ZERO_BELOW) return 0n
  if (x >= EXP_OVERFLOW_AT) throw new DeriveMathError(`exp overflow (${x}).`)
  x = (x << 78n) / FIVE_POW_18
  const k = expReduction(x)
  x -= k * LN2_BASE96
  let p = x + 2772001395605857295435445496992n
  p = ((p * x) >> 96n) + 44335888930127919016834873520032n
  p = ((p * x) >> 96n) + 398888492587501845352592340339721n
  p = ((p * x) >> 96n) + 1993839819670624470859228494792842n
  p = p * x + EXP_P5_SHIFTED
  let z = x + 750530180792738023273180420736n
  z = ((z * x) >> 96n) + 32788456221302202726307501949080n
  let w = x - 2218138959503481824038194425854n
  w = ((w * z) >> 96n) + 892943633302991980437332862907700n
  let q = z + w - 78174809823045304726920794422040n
  q = ((q * w) >> 96n) + 4203224763890128580604056984195872n
  const r = p / q
  return (r * 3822833074963236453042738258902158003155416615667n) >> (195n - k)
}

const LN2_BASE96_FLOAT = Number(LN2_BASE96)

/**
 * k = ((x << 96) / ln2 + 2^95) >> 96 of `exp`, the nearest multiple of ln 2 (x and ln 2 in base 2^96), without the
 * 190-bit division when the float64 quotient is far from a rounding boundary: |x / ln2| < 200 there, so its float64
 * error is below 1e-13, and a fractional part of t + ½ within 1e-9 of an integer takes the exact division.
 */
function expReduction(x: bigint): bigint {
  const t = Number(x) / LN2_BASE96_FLOAT + 0.5
  const k = Math.floor(t)
  const frac = t - k
  if (frac > 1e-9 && frac < 1 - 1e-9) return BigInt(k)
  return ((x << 96n) / LN2_BASE96 + HALF_BASE96) >> 96n
}

/** floor(sqrt(x)) of an integer, by the contract's seven Babylonian steps from a power-of-two guess. */
export function sqrtInt(x: bigint): bigint {
  if (x === 0n) return 0n
  let result = 1n << BigInt(ilog2(x) >> 1)
  for (let i = 0; i < 7; i++) result = (result + x / result) >> 1n
  const down = x / result
  return result >= down ? down : result
}

/** Square root in 1e18 fixed point (`sqrt(x) = _sqrt(x · 1e18)`), rounded down. */
export function sqrt(x: bigint): bigint {
  return sqrtInt(x * UNIT)
}

const N = [
  4062099735652764000328n,
  4080670594171652639712n,
  2067498006223917203771n,
  625581961353917287603n,
  117578849504046139487n,
  12919787143353136591n,
  650478250178244362n,
] as const
const M = [
  8124199471305528000657n,
  14643514515380871948050n,
  11756730424506726822413n,
  5470644798650576484341n,
  1600821957476871612085n,
  296331772558254578451n,
  32386342837845824709n,
  1630477228166597028n,
] as const
const SQRT_TWOPI_BASE2 = 46239130270042206915n
const HART_LIMIT = 130438178253327725388n
const CDF_CUTOFF = 37n * UNIT
const ONE_BASE128 = 1n << 128n
const TWO_BASE128 = 2n << 128n
const THREE_BASE128 = 3n << 128n
const FOUR_BASE128 = 4n << 128n
const [N0, N1, N2, N3, N4, N5, N6] = N
const [M0, M1, M2, M3, M4, M5, M6, M7] = M

/**
 * Standard normal CDF in 1e18 fixed point: Hart's (6, 7) rational approximation for |x| < 7.07 and a continued
 * fraction up to 37, in base 2^64 (West, "Better approximations to cumulative normal functions", 2005).
 */
export function stdNormalCdf(x: bigint): bigint {
  let z = absBig(x)
  let c = 0n
  if (z > CDF_CUTOFF) return x <= 0n ? 0n : UNIT
  let e = exp(-(((z >> 1n) * z) / UNIT))
  // |x| above ≈ 9.18: e^(−x²/2) is 0 in 1e18, so both approximations give c = 0
  if (e === 0n) return x <= 0n ? 0n : UNIT
  z = (z << 46n) / FIVE_POW_18
  e = (e << 46n) / FIVE_POW_18
  if (z < HART_LIMIT) {
    let n = ((N6 * z) >> 64n) + N5
    n = ((n * z) >> 64n) + N4
    n = ((n * z) >> 64n) + N3
    n = ((n * z) >> 64n) + N2
    n = ((n * z) >> 64n) + N1
    n = ((n * z) >> 64n) + N0
    let d = ((M7 * z) >> 64n) + M6
    d = ((d * z) >> 64n) + M5
    d = ((d * z) >> 64n) + M4
    d = ((d * z) >> 64n) + M3
    d = ((d * z) >> 64n) + M2
    d = ((d * z) >> 64n) + M1
    d = ((d * z) >> 64n) + M0
    c = (n * e) / d
  } else {
    let f = 11990383647911208550n
    f = FOUR_BASE128 / (z + f)
    f = THREE_BASE128 / (z + f)
    f = TWO_BASE128 / (z + f)
    f = ONE_BASE128 / (z + f)
    f += z
    f = (f * SQRT_TWOPI_BASE2) >> 64n
    c = (e << 64n) / f
  }
  c = (c * FIVE_POW_18) >> 46n
  return x <= 0n ? c : UNIT - c
}

/** a^b = exp(ln(a) · b) in 1e18 fixed point (`decPow`). @throws DeriveMathError when a ≤ 0 */
export function decPow(a: bigint, b: bigint): bigint {
  return exp((ln(a) * b) / UNIT)
}
