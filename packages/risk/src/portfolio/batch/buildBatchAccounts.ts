import { collateralUnderlying, collateralUnits, NUMERAIRE } from '../collateral/collateralHoldings.js'
import { valueCollateral } from '../collateral/valueCollateral.js'
import type { CollateralParams, PortfolioAccount } from '../types.js'
import type { AssetTable } from './assetTable.js'
import type { InstrumentTable } from './instrumentTable.js'
import { type BatchAccounts, MAX_BATCH_ROWS } from './layout.js'

/**
 * Converts accounts to the batch layout: positions netted per instrument (first-seen order, as the per-account engine
 * nets them), then risk-cancelling collateral as positions on collateral rows (item order, as `collateralHoldings`
 * lists them), collateral as haircut-weighted units at the effective haircut of `valueCollateral` at `nowMs` in
 * portfolio mode (size tier, depeg and staleness frozen until the account is rebuilt), with the IM haircut and
 * route-break units beside, cash = settled + funding − fees − Σ qty·entry.
 * Also records the collateral asset prices (USD) in `assetPrice`, indexed by the asset table's rows.
 * @throws {RangeError} when the instrument or asset table outgrows 16-bit rows (`MAX_BATCH_ROWS`)
 */
export function buildBatchAccounts(
  accounts: readonly PortfolioAccount[],
  instruments: InstrumentTable,
  assets: AssetTable,
  collateralParams: CollateralParams,
  nowMs: number,
): { accounts: BatchAccounts; assetPrice: Float64Array } {
  const n = accounts.length
  const positionStart = new Uint32Array(n + 1)
  const collateralStart = new Uint32Array(n + 1)
  const cashUsd = new Float64Array(n)
  const inst: number[] = []
  const qty: number[] = []
  const cAsset: number[] = []
  const cUnits: number[] = []
  const cIm: number[] = []
  const cBreak: number[] = []
  const prices: number[] = []
  accounts.forEach((account, a) => {
    const net = new Map<number, bigint>()
    let cash = Number(account.settledPnlUsd8) / 1e8 - Number(account.feesOwedUsd8 ?? 0n) / 1e8
    for (const p of account.positions) {
      const row = instruments.add(p.instrument)
      net.set(row, (net.get(row) ?? 0n) + p.size)
      cash += Number(p.fundingUsd8 ?? 0n) / 1e8 - (Number(p.size) / 1e18) * (Number(p.entryPrice) / 1e8)
    }
    for (const [row, size] of net) {
      if (size === 0n) continue
      inst.push(row)
      qty.push(Number(size) / 1e18)
    }
    for (const c of valueCollateral(account.collateral, collateralParams, nowMs, { scenarios: true })) {
      if (c.amount === 0n) continue
      const row = assets.add(c.chainId, c.asset, collateralUnderlying(c))
      prices[row] = Number(c.priceUsd8 > 0n ? c.priceUsd8 : 0n) / 1e8
      const weight = c.amount < 0n ? 1 + c.haircutBps / 10_000 : 1 - c.haircutBps / 10_000
      const units = collateralUnits(c)
      cAsset.push(row)
      cUnits.push(units * weight)
      cIm.push((Math.abs(units) * (c.imHaircutBps - c.haircutBps)) / 10_000)
      cBreak.push(c.amount > 0n ? (units * (c.routeBreakLossBps ?? 0)) / 10_000 : 0)
      if (c.inScenarios && collateralUnderlying(c) !== NUMERAIRE) {
        inst.push(instruments.addCollateral(row))
        qty.push(units)
      }
    }
    cashUsd[a] = cash
    positionStart[a + 1] = inst.length
    collateralStart[a + 1] = cAsset.length
  })
  if (instruments.instruments.length > MAX_BATCH_ROWS || assets.keys.length > MAX_BATCH_ROWS) {
    throw new RangeError(`Batch: more than ${MAX_BATCH_ROWS} instrument or asset rows (16-bit row indices).`)
  }
  return {
    accounts: {
      count: n,
      positionStart,
      positionInstrument: Uint16Array.from(inst),
      positionQty: Float64Array.from(qty),
      collateralStart,
      collateralAsset: Uint16Array.from(cAsset),
      collateralUnits: Float64Array.from(cUnits),
      collateralImUnits: Float64Array.from(cIm),
      collateralBreakUnits: Float64Array.from(cBreak),
      cashUsd,
    },
    assetPrice: Float64Array.from({ length: assets.keys.length }, (_, i) => prices[i] ?? 0),
  }
}
