import { InvalidInputError, MissingMarketDataError } from '../errors.js'
import type { AccountRisk, MarketState, PortfolioAccount } from '../types.js'

/** Where an account becomes liquidatable when one underlying moves and everything else is held. */
export type LiquidationPrice = {
  underlying: string
  /** current spot, usd8 */
  spotUsd8: bigint
  /** highest spot below the current one at which equity < MM, usd8 rounded up (toward the spot); null if none above 1e-4·spot */
  belowUsd8: bigint | null
  /** lowest spot above the current one at which equity < MM, usd8 rounded down; null if none below 100·spot */
  aboveUsd8: bigint | null
  /** equity is already below MM */
  liquidatableNow: boolean
}

const SCAN_STEPS = 48
const BISECTIONS = 34

/**
 * Solves for the liquidation prices of one underlying numerically: the spot and mark of `underlying`, and the price
 * of collateral that follows it (`underlying` field, else same symbol), are scaled by k; every requirement is
 * recomputed at the moved market (scenarios re-centred, options repriced, vol surface unchanged in strike terms).
 * g(k) = equity − MM is scanned on a geometric grid from k = 1 down to 1e-4 and up to 100 (48 steps each), and the
 * first sign change each way is refined by 34 bisections (to about 1e-11 of the price). A dip narrower than a scan step (≈ 20% down, 10% up) can be
 * missed; books with such structure should also be checked against the scenario vector.
 * @param evaluate computes the account's risk at a market (the engine's `marginAccount`)
 */
export function solveLiquidationPrice(
  account: PortfolioAccount,
  market: MarketState,
  underlying: string,
  evaluate: (account: PortfolioAccount, market: MarketState) => AccountRisk,
): LiquidationPrice {
  const quote = market.underlyings[underlying]
  if (!quote) throw new MissingMarketDataError(underlying, 'price')
  if (quote.spotUsd8 <= 0n) throw new InvalidInputError(`The spot of ${underlying} must be > 0.`)
  const gap = (k: number) => {
    const moved = moveUnderlying(account, market, underlying, k)
    const r = evaluate(moved.account, moved.market)
    return r.equityUsd8 - r.mmUsd8
  }
  const now = gap(1)
  const spot = Number(quote.spotUsd8)
  const solve = (limit: number): number | null => {
    const ratio = limit ** (1 / SCAN_STEPS)
    let inside = 1
    for (let j = 1; j <= SCAN_STEPS; j++) {
      const k = ratio ** j
      if (gap(k) < 0n) {
        let a = inside
        let b = k
        for (let i = 0; i < BISECTIONS; i++) {
          const m = Math.sqrt(a * b)
          if (gap(m) < 0n) b = m
          else a = m
        }
        return b
      }
      inside = k
    }
    return null
  }
  const down = now < 0n ? 1 : solve(1e-4)
  const up = now < 0n ? 1 : solve(100)
  return {
    underlying,
    spotUsd8: quote.spotUsd8,
    belowUsd8: down === null ? null : BigInt(Math.ceil(spot * down)),
    aboveUsd8: up === null ? null : BigInt(Math.floor(spot * up)),
    liquidatableNow: now < 0n,
  }
}

/** The account and market with `underlying` (and collateral following it) scaled by k. */
export function moveUnderlying(account: PortfolioAccount, market: MarketState, underlying: string, k: number): { account: PortfolioAccount; market: MarketState } {
  const scale = (v: bigint) => {
    const x = BigInt(Math.round(Number(v) * k))
    return x > 0n ? x : 1n
  }
  const q = market.underlyings[underlying]!
  const moved = { ...q, spotUsd8: scale(q.spotUsd8) }
  if (q.markUsd8 !== undefined) moved.markUsd8 = scale(q.markUsd8)
  return {
    market: { ...market, underlyings: { ...market.underlyings, [underlying]: moved } },
    account: {
      ...account,
      collateral: account.collateral.map((c) => ((c.underlying ?? c.symbol) === underlying ? { ...c, priceUsd8: scale(c.priceUsd8) } : c)),
    },
  }
}
