import { and, eq, positionReports, positions } from '@unimargin/db'
import { marketOf } from '../common/config.js'
import type { Context } from '../common/context.js'
import { PositionReportError } from '../common/errors.js'
import type { PositionReport } from '@unimargin/protocol'
import { lockAccount, updateAccount } from '../ledger/index.js'
import { reviewAccount } from '../liquidation/index.js'
import { loadPriceBook } from '../pricing/index.js'
import { checkReportBounds } from './checkReportBounds.js'
import { transitionsSeen } from '../events/processEvent.js'

/**
 * Applies a position report whose signature the caller has verified, in the caller's transaction: checks its values
 * against the market's bounds and the hub's mark price, upserts the position (size 0 deletes it), records the
 * sequence, and re-checks the account for liquidation. A refused report changes nothing.
 * - reads `prices` and `valuation_blocks` (the mark price); locks and writes `accounts`; writes `positions`, and
 *   records the accepted report with `signature`, `ctx.referenceTs` and `ctx.now()` in `position_reports` (the input
 *   `unimargin rebuild` replays)
 * @throws {PositionReportError} `unknown_market` when the market is not configured; `sequence_out_of_range`,
 *   `entry_price_out_of_band`, `mark_price_unavailable` or `notional_too_large` from {@link checkReportBounds};
 *   `stale_sequence` when the sequence is not above the account's last accepted one (a replay).
 */
export async function applyPositionReport(ctx: Context, report: PositionReport, signature?: string): Promise<{ sequence: bigint }> {
  const { tx, config } = ctx
  const market = marketOf(config, report.market)
  if (!market) throw new PositionReportError('unknown_market', `Market ${report.market} is not configured.`, { market: report.market })
  const seen = await transitionsSeen(tx)
  const book = await loadPriceBook(tx, config, ctx.referenceTs)
  checkReportBounds(market, report, book.markPrice(market.underlying))
  const account = await lockAccount(tx, report.account)
  if (report.sequence <= account.positionSequence)
    throw new PositionReportError(
      'stale_sequence',
      `Report sequence ${report.sequence} is not above the last accepted sequence ${account.positionSequence} of ${report.account}.`,
      { sequence: report.sequence.toString(), last: account.positionSequence.toString() },
    )
  const now = ctx.now()
  if (report.size === 0n) {
    await tx.delete(positions).where(and(eq(positions.account, report.account), eq(positions.market, report.market)))
  } else {
    await tx
      .insert(positions)
      .values({ account: report.account, market: report.market, size: report.size, entryPrice: report.entryPrice, updatedAt: now })
      .onConflictDoUpdate({
        target: [positions.account, positions.market],
        set: { size: report.size, entryPrice: report.entryPrice, updatedAt: now },
      })
  }
  await updateAccount(tx, report.account, { positionSequence: report.sequence }, now)
  await tx.insert(positionReports).values({
    account: report.account,
    market: report.market,
    size: report.size,
    entryPrice: report.entryPrice,
    sequence: report.sequence,
    signature: signature ?? null,
    referenceTs: ctx.referenceTs,
    appliedAt: now,
    transitionsSeen: seen,
  })
  ctx.logger.info(
    { account: report.account, market: report.market, size: report.size.toString(), sequence: report.sequence.toString() },
    'Accepted position report',
  )
  await reviewAccount({ ...ctx, transitionsSeen: seen }, report.account)
  return { sequence: report.sequence }
}
