import type { MarketConfig } from '@unimargin/chains'
import type { PositionReport } from '@unimargin/protocol'
import { BPS, positionNotionalUsd8 } from '@unimargin/risk'
import { PositionReportError } from '../common/errors.js'
import { formatFixed, formatUsd8 } from '../common/format.js'
import type { PriceQuote } from '../pricing/index.js'

/** The largest sequence the hub stores (a PostgreSQL `bigint`): 2^63−1, though the signed type is `uint64`. */
export const MAX_REPORT_SEQUENCE = 2n ** 63n - 1n

/**
 * The entry prices the hub accepts for a position in `market` with the underlying at `markUsd8`, both ends included.
 * - perpetuals and futures: the mark ± `maxEntryDeviationBps` of it (the lower end at least 1);
 * - options (the entry price is the premium): from 1 to a call's ceiling, the mark + `maxEntryDeviationBps`, or a
 *   put's, its strike (no premium exceeds these without arbitrage).
 * @param markUsd8 the oracle mark price of the market's underlying, usd8
 * @returns the band, usd8
 */
export function entryPriceBandUsd8(market: MarketConfig, markUsd8: bigint): { minUsd8: bigint; maxUsd8: bigint } {
  const deviation = BigInt(market.maxEntryDeviationBps)
  const ceiling = (markUsd8 * (BPS + deviation)) / BPS
  const instrument = market.instrument
  if (instrument.kind === 'option') return { minUsd8: 1n, maxUsd8: instrument.right === 'call' ? ceiling : instrument.strikeUsd8 }
  const floor = (markUsd8 * (BPS - deviation) + BPS - 1n) / BPS
  return { minUsd8: floor < 1n ? 1n : floor, maxUsd8: ceiling }
}

/**
 * Refuses a report whose values could not come from a real trade, before it touches the ledger: one signed report
 * must not be able to book an arbitrary loss (and so spend the insurance fund through a liquidation).
 * A close (size 0) is held to the same entry band while the hub has a fresh mark price; it removes exposure, so it is
 * applied without one (any positive entry price) rather than refused.
 * @param market the report's market
 * @param quote the hub's mark price of `market.underlying` (`PriceBook.markPrice`), or undefined when it has none
 * @throws {PositionReportError}
 * - `sequence_out_of_range` when the sequence is above {@link MAX_REPORT_SEQUENCE};
 * - `entry_price_out_of_band` when the entry price is 0 or outside {@link entryPriceBandUsd8};
 * - `mark_price_unavailable` (retryable) when a position is opened or changed while the hub has no mark price of the
 *   underlying, or only one older than `maxPriceAgeSeconds`;
 * - `notional_too_large` when |size| × mark exceeds `market.maxNotionalUsd8`.
 */
export function checkReportBounds(market: MarketConfig, report: PositionReport, quote: PriceQuote | undefined): void {
  if (report.sequence > MAX_REPORT_SEQUENCE)
    throw new PositionReportError('sequence_out_of_range', `Report sequence ${report.sequence} is above ${MAX_REPORT_SEQUENCE}, the largest the hub stores.`, {
      sequence: report.sequence.toString(),
      max: MAX_REPORT_SEQUENCE.toString(),
    })
  if (report.entryPrice <= 0n)
    throw new PositionReportError('entry_price_out_of_band', `Entry price ${report.entryPrice} is not above 0.`, { entryPrice: report.entryPrice.toString() })
  if (!quote || quote.stale) {
    // a close removes exposure: it is applied even while the mark price is missing or stale
    if (report.size === 0n) return
    throw new PositionReportError(
      'mark_price_unavailable',
      quote
        ? `The mark price of ${market.underlying} is ${quote.ageSeconds} s old, beyond maxPriceAgeSeconds, too stale to check the ${market.symbol} report against; retry once a fresh price arrives.`
        : `The hub has no mark price of ${market.underlying} yet to check the ${market.symbol} report against; retry once one arrives.`,
      { market: market.symbol, underlying: market.underlying, ageSeconds: quote?.ageSeconds.toString() ?? null },
    )
  }
  const band = entryPriceBandUsd8(market, quote.priceUsd8)
  if (report.entryPrice < band.minUsd8 || report.entryPrice > band.maxUsd8)
    throw new PositionReportError(
      'entry_price_out_of_band',
      `Entry price ${formatUsd8(report.entryPrice)} USD is outside ${formatUsd8(band.minUsd8)}..${formatUsd8(band.maxUsd8)} USD, the band of ${market.symbol} around the ${market.underlying} mark of ${formatUsd8(quote.priceUsd8)} USD.`,
      { entryPrice: report.entryPrice.toString(), minUsd8: band.minUsd8.toString(), maxUsd8: band.maxUsd8.toString(), markUsd8: quote.priceUsd8.toString() },
    )
  if (report.size === 0n) return
  const notionalUsd8 = positionNotionalUsd8(report.size, quote.priceUsd8)
  if (notionalUsd8 > market.maxNotionalUsd8)
    throw new PositionReportError(
      'notional_too_large',
      `Size ${formatFixed(report.size, 18)} at the ${market.underlying} mark of ${formatUsd8(quote.priceUsd8)} USD is a notional above ${formatUsd8(market.maxNotionalUsd8)} USD, the maximum of ${market.symbol}.`,
      { size: report.size.toString(), notionalUsd8: notionalUsd8.toString(), maxNotionalUsd8: market.maxNotionalUsd8.toString() },
    )
}
