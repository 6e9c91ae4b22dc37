import type { BatchAccounts } from './layout.js'

/**
 * Net short option units per (account, underlying), summed over strike groups: N = Σ_g max(0, −Σ_{p∈g} qty_p), where a
 * strike group is one (underlying, expiry, strike) (Deribit: the naked-short contingency is per strike, a call and a
 * put at one strike net). Positions do not change on a tick, so this is computed once per load; the charge at a tick is
 * N × rate(underlying). CSR: `units[start[a] .. start[a + 1])` with `underlying` alongside.
 */
export type NakedShortIndex = { start: Uint32Array; underlying: Uint16Array; units: Float64Array }

/**
 * Builds the index: two passes over the positions (count, then fill typed arrays, so a million accounts need no
 * growing JS arrays), one scratch entry per strike group and per underlying.
 * @param strikeGroup strike group per instrument row, −1 for non-options
 * @param instrumentUnderlying underlying index per instrument row
 * @param groupCount number of strike groups
 * @param options `shared`: the index in `SharedArrayBuffer`s (for worker threads)
 */
export function indexNakedShort(
  accounts: BatchAccounts,
  strikeGroup: Int32Array,
  instrumentUnderlying: Uint16Array,
  groupCount: number,
  underlyingCount: number,
  options: { shared?: boolean } = {},
): NakedShortIndex {
  const net = new Float64Array(groupCount)
  const perUnderlying = new Float64Array(underlyingCount)
  const start = options.shared ? new Uint32Array(new SharedArrayBuffer(4 * (accounts.count + 1))) : new Uint32Array(accounts.count + 1)
  const { positionStart, positionInstrument, positionQty } = accounts
  let under: Uint16Array = new Uint16Array(0)
  let units: Float64Array = new Float64Array(0)
  for (const fill of [false, true]) {
    let k = 0
    for (let a = 0; a < accounts.count; a++) {
      const p0 = positionStart[a]!
      const p1 = positionStart[a + 1]!
      for (let p = p0; p < p1; p++) {
        const g = strikeGroup[positionInstrument[p]!]!
        if (g >= 0) net[g] = net[g]! + positionQty[p]!
      }
      for (let p = p0; p < p1; p++) {
        const i = positionInstrument[p]!
        const g = strikeGroup[i]!
        if (g < 0) continue
        const n = net[g]!
        net[g] = 0
        if (n < 0) perUnderlying[instrumentUnderlying[i]!] = perUnderlying[instrumentUnderlying[i]!]! - n
      }
      for (let p = p0; p < p1; p++) {
        const i = positionInstrument[p]!
        if (strikeGroup[i]! < 0) continue
        const u = instrumentUnderlying[i]!
        const n = perUnderlying[u]!
        if (n > 0) {
          if (fill) {
            under[k] = u
            units[k] = n
          }
          k++
          perUnderlying[u] = 0
        }
      }
      start[a + 1] = k
    }
    if (!fill) {
      under = options.shared ? new Uint16Array(new SharedArrayBuffer(2 * k)) : new Uint16Array(k)
      units = options.shared ? new Float64Array(new SharedArrayBuffer(8 * k)) : new Float64Array(k)
    }
  }
  return { start, underlying: under, units }
}
