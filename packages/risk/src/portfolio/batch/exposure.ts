import type { BatchAccounts } from './layout.js'

/** Accounts exposed to each underlying (CSR): `accounts[start[u] .. start[u + 1])`, each account once per underlying. */
export type ExposureIndex = { underlyings: readonly string[]; start: Uint32Array; accounts: Uint32Array }

/**
 * Indexes which accounts hold a position on, or collateral following, each underlying (two passes, no per-account
 * allocation).
 * @param instrumentUnderlying underlying index (into `underlyings`) of each instrument row
 * @param assetUnderlying underlying index of each asset row, −1 when it follows none of them
 * @param options `shared`: the account list in a `SharedArrayBuffer` (for worker threads)
 */
export function indexExposure(
  accounts: BatchAccounts,
  underlyings: readonly string[],
  instrumentUnderlying: Uint16Array,
  assetUnderlying: Int32Array,
  options: { shared?: boolean } = {},
): ExposureIndex {
  const U = underlyings.length
  const counts = new Uint32Array(U + 1)
  const seen = new Int32Array(U).fill(-1)
  const visit = (a: number, emit: (u: number) => void) => {
    for (let p = accounts.positionStart[a]!; p < accounts.positionStart[a + 1]!; p++) {
      const u = instrumentUnderlying[accounts.positionInstrument[p]!]!
      if (seen[u] !== a) {
        seen[u] = a
        emit(u)
      }
    }
    for (let c = accounts.collateralStart[a]!; c < accounts.collateralStart[a + 1]!; c++) {
      const u = assetUnderlying[accounts.collateralAsset[c]!]!
      if (u >= 0 && seen[u] !== a) {
        seen[u] = a
        emit(u)
      }
    }
  }
  for (let a = 0; a < accounts.count; a++) visit(a, (u) => counts[u + 1]!++)
  for (let u = 0; u < U; u++) counts[u + 1]! += counts[u]!
  const fill = counts.slice(0, U)
  const list = options.shared ? new Uint32Array(new SharedArrayBuffer(4 * counts[U]!)) : new Uint32Array(counts[U]!)
  seen.fill(-1)
  for (let a = 0; a < accounts.count; a++) visit(a, (u) => (list[fill[u]!++] = a))
  return { underlyings, start: counts, accounts: list }
}
