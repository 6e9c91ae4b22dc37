import type { Config } from '@unimargin/chains'
import type { AccountMargin } from '@unimargin/risk'

/**
 * The safety margin (usd8) a withdrawal must leave above IM: `withdrawalBufferUsd8` while the account carries
 * risk (open positions or unsettled losses), zero otherwise, since an account with neither cannot lose more than
 * its collateral while a command travels and must be able to withdraw all of it.
 */
export function withdrawalBufferFor(config: Config, margin: Pick<AccountMargin, 'positions' | 'settledPnlUsd8'>): bigint {
  return margin.positions.length > 0 || margin.settledPnlUsd8 < 0n ? config.withdrawalBufferUsd8 : 0n
}
