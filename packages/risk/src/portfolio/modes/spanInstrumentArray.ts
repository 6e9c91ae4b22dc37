import { black76 } from '../../pricing/index.js'
import type { SpanParams, SpanUnderlyingParams } from '../../span/spanParams.js'
import { spanRiskArray } from '../../span/spanRiskArray.js'
import type { InstrumentRisk } from '../instruments/instrumentRisk.js'
import { USD8 } from '../units.js'

/** One instrument's SPAN risk array, and where it came from. */
export type SpanInstrumentArray = {
  /** loss (+) of `units` units long in the 16 CME scenarios, USD, scenarios 15-16 at 35% */
  loss: readonly number[]
  /** units of the underlying the array is for: 1 for the model, the contract size for a published array */
  units: number
  source: 'model' | 'published'
}

/** Model arrays by instrument risk (one per market context) and parameters: an account revalued again reuses them. */
const cache = new WeakMap<InstrumentRisk, WeakMap<SpanUnderlyingParams, Map<number, SpanInstrumentArray>>>()

/**
 * The SPAN risk array of one instrument per unit long (CME Group, *CME SPAN Methodology Overview*, "Risk Arrays").
 * A published array (`params.publishedArrays[key]`) is used as given, per contract (quantities are then counted in
 * contracts, so whole-contract positions sum the exchange's figures exactly). Otherwise
 * the instrument is revalued in the 16 scenarios of `spanRiskArray`: the forward moves by ±1/3, 2/3, 3/3 of
 * `scanRange` (a fraction) and, for 15-16, ±`extremeMultiple` of it at 35%; perps and futures are worth
 * value·(1 + move); options are repriced with Black-76 at F·(1 + move) and vol·(1 + volScanUp) or
 * vol·(1 − volScanDown), time to expiry and rate unchanged (no look-ahead decay, as in the scenario grid).
 * Model arrays are memoised per (instrument risk, parameters, scan range): an instrument risk belongs to one market.
 * @param scanRange price scan range of the instrument's tier, fraction of the forward
 */
export function spanInstrumentArray(risk: InstrumentRisk, p: SpanUnderlyingParams, scanRange: number, rate: number, published: SpanParams['publishedArrays']): SpanInstrumentArray {
  const listed = published?.[risk.key]
  if (listed) return { loss: listed.lossPerContract, units: listed.unitsPerContract, source: 'published' }
  let byParams = cache.get(risk)
  if (!byParams) {
    byParams = new WeakMap()
    cache.set(risk, byParams)
  }
  let byRange = byParams.get(p)
  if (!byRange) {
    byRange = new Map()
    byParams.set(p, byRange)
  }
  let array = byRange.get(scanRange)
  if (!array) {
    array = modelArray(risk, p, scanRange, rate)
    byRange.set(scanRange, array)
  }
  return array
}

function modelArray(risk: InstrumentRisk, p: SpanUnderlyingParams, scanRange: number, rate: number): SpanInstrumentArray {
  const v = risk.valuation
  const inst = risk.instrument
  let revalue: (move: number, volMove: number) => number
  if (inst.kind === 'option') {
    const strike = Number(inst.strikeUsd8) / USD8
    revalue = (move, volMove) =>
      black76({ forward: v.forward * (1 + move), strike, timeYears: v.timeYears, vol: v.vol * (1 + volMove), rate, right: inst.right }).price - v.value
  } else {
    revalue = (move) => v.value * move
  }
  const loss = spanRiskArray({ revalue, priceScanRange: scanRange, volScanRange: p.volScanUp, volScanRangeDown: p.volScanDown, extremeMultiple: p.extremeMultiple })
  return { loss, units: 1, source: 'model' }
}
