import type { MarketState, PortfolioAccount, PortfolioEngine } from '@unimargin/risk'
import { usdc } from './portfolios.js'

/** The capital a book needs at opening, usd8. */
export type CapitalRequirement = {
  /** the smallest USDC deposit (market value) that opens the book: the capital required */
  depositUsd8: bigint
  /** market value of the book's non-cash collateral (its spot legs), held as part of the trade */
  spotLegsUsd8: bigint
  /** IM and MM of the book with that deposit */
  imUsd8: bigint
  mmUsd8: bigint
}

/** oracle value of an item, usd8, rounded down */
const oracleUsd8 = (c: PortfolioAccount['collateral'][number]) => (c.amount * c.priceUsd8) / 10n ** BigInt(c.decimals)
/** 1 cent in USDC base units (6 decimals): the precision of the search */
const CENT = 10_000n

/**
 * Capital required: the smallest USDC deposit D (market value, to the cent) with which the book can be opened at t0,
 * i.e. `equity − S ≥ IM` where S is the market value of the book's spot legs (its non-cash collateral: WETH, WBTC).
 * The spot legs belong to the trade (they are the hedge of a basis book), so they are held but counted as financed
 * at their market value: the deposit must cover the book's IM and the haircuts the mode takes on those legs. The
 * book's own cash items are replaced by the deposit (one USDC item on the first cash item's chain, or chain 1).
 * Since IM > MM, such an account is also clear of liquidation at t0. The same definition and search serve every
 * mode; isolated mode is measured before its allocations, on the same per-position requirements as tiered mode.
 * Found by doubling then bisection (the margin is monotone in the deposit).
 * @param book the book at its opening market (`openBook`)
 * @param engine the mode's engine
 * @throws Error when no deposit up to 2^60 USD cents opens the book
 */
export function capitalRequired(
  book: PortfolioAccount,
  market: MarketState,
  engine: PortfolioEngine,
): CapitalRequirement {
  const isCash = (c: PortfolioAccount['collateral'][number]) =>
    (c.underlying ?? c.symbol) === 'USD' || c.symbol === 'USDC'
  const legs = book.collateral.filter((c) => !isCash(c))
  const spotLegsUsd8 = legs.reduce((s, c) => s + oracleUsd8(c), 0n)
  const chainId = book.collateral.find(isCash)?.chainId ?? 1
  const at = (units: bigint) => {
    const cash = { ...usdc(chainId, 0), amount: units }
    const risk = engine.marginAccount({ ...book, collateral: units === 0n ? legs : [...legs, cash] }, market)
    return { ok: risk.equityUsd8 - spotLegsUsd8 >= risk.imUsd8, risk }
  }
  let low = 0n
  let first = at(0n)
  if (!first.ok) {
    let high = CENT * 100n
    let doublings = 0
    for (first = at(high); !first.ok; first = at(high)) {
      low = high
      high *= 2n
      if (++doublings > 60) throw new Error('No deposit opens the book: its IM grows as fast as its collateral.')
    }
    while (high - low > CENT) {
      const mid = (low + high) / 2n
      if (at(mid).ok) high = mid
      else low = mid
    }
    low = high
    first = at(high)
  }
  return {
    depositUsd8: low * 100n,
    spotLegsUsd8,
    imUsd8: first.risk.imUsd8,
    mmUsd8: first.risk.mmUsd8,
  }
}
