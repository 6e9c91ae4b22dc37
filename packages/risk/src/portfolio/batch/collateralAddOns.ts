import type { BatchAccounts } from './layout.js'

/**
 * One account's collateral add-ons in the batch, USD float: the IM haircut Σ_c imUnits[c]·price and the worst route
 * break, max over asset rows of Σ breakUnits·price of that row's items (one route per (chain, asset), as
 * `routeBreak`). Zero when the layout has no add-on arrays.
 * @param a account index
 */
export function collateralAddOnsUsd(accounts: BatchAccounts, assetPrice: Float64Array, a: number): { imUsd: number; routeBreakUsd: number } {
  const im = accounts.collateralImUnits
  const brk = accounts.collateralBreakUnits
  const c0 = accounts.collateralStart[a]!
  const c1 = accounts.collateralStart[a + 1]!
  let imUsd = 0
  let routeBreakUsd = 0
  for (let c = c0; c < c1; c++) {
    const price = assetPrice[accounts.collateralAsset[c]!]!
    if (im) imUsd += im[c]! * price
    if (!brk || brk[c] === 0) continue
    // the first route-break item of its asset row sums the row; later ones were counted there
    const asset = accounts.collateralAsset[c]!
    let first = true
    for (let k = c0; k < c && first; k++) if (accounts.collateralAsset[k] === asset && brk[k] !== 0) first = false
    if (!first) continue
    let loss = 0
    for (let k = c; k < c1; k++) if (accounts.collateralAsset[k] === asset) loss += brk[k]! * price
    if (loss > routeBreakUsd) routeBreakUsd = loss
  }
  return { imUsd, routeBreakUsd }
}
