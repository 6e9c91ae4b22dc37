import { createPortfolioEngine, type MarketState } from '@unimargin/risk'
import { describe, expect, it } from 'vitest'
import { openBook } from './account.js'
import { capitalRequired } from './capital.js'
import { marketAt, windowSurfaces } from './market.js'
import { SAMPLE_PORTFOLIOS, usdc } from './portfolios.js'
import { syntheticWindow } from './_test/syntheticWindow.js'

const window = syntheticWindow({ ETH: [3_000], BTC: [60_000] })
const market: MarketState = marketAt(window, 0, windowSurfaces(window, {}), 0.03)
const book = (name: string) =>
  openBook(SAMPLE_PORTFOLIOS.find((p) => p.name === name)!.build({ ETH: 3_000, BTC: 60_000 }, market.nowMs), market)
const CENT_USD8 = 1_000_000n

describe('capitalRequired', () => {
  it('finds the smallest USDC deposit, to the cent, at which equity reaches IM', () => {
    const engine = createPortfolioEngine({ mode: 'tiered' })
    const need = capitalRequired(book('leveraged'), market, engine)
    const at = (usd8: bigint) =>
      engine.marginAccount(
        {
          ...book('leveraged'),
          collateral: [{ ...usdc(1, 0), amount: usd8 / 100n }],
        },
        market,
      )
    const enough = at(need.depositUsd8)
    expect(enough.equityUsd8).toBeGreaterThanOrEqual(enough.imUsd8)
    const short = at(need.depositUsd8 - CENT_USD8)
    expect(short.equityUsd8).toBeLessThan(short.imUsd8)
    expect(need.spotLegsUsd8).toBe(0n)
  })

  it('counts the spot legs of a basis trade at market value, so the deposit covers IM and the haircuts on them', () => {
    const engine = createPortfolioEngine({ mode: 'isolated' })
    const need = capitalRequired(book('hedged'), market, engine)
    expect(need.spotLegsUsd8).toBe(30_000n * 100_000_000n)
    // WETH at its 10% haircut (3,000) + 2% IMF on 30,000 (600), paid in USDC at 2% + 1.5% depeg
    expect(Number(need.depositUsd8) / 1e8).toBeCloseTo(3_600 / (1 - 0.035), 0)
  })

  it('needs less for the basis trade in portfolio mode than in isolated mode once WETH is risk-cancelling, and more when it is not', () => {
    const portfolio = createPortfolioEngine({ mode: 'portfolio' })
    const isolated = capitalRequired(book('hedged'), market, createPortfolioEngine({ mode: 'isolated' })).depositUsd8
    const cancelling = capitalRequired(book('hedged'), market, portfolio).depositUsd8
    const plain = book('hedged')
    const naked = capitalRequired(
      {
        ...plain,
        collateral: plain.collateral.map((c) => ({
          ...c,
          riskCancelling: false,
        })),
      },
      market,
      portfolio,
    ).depositUsd8
    expect(cancelling * 5n).toBeLessThan(isolated)
    expect(naked).toBeGreaterThan(isolated)
  })

  it('does not depend on the cash the book happens to hold', () => {
    const engine = createPortfolioEngine({ mode: 'tiered' })
    const rich = { ...book('leveraged'), collateral: [usdc(1, 1_000_000)] }
    // the deposit replaces the book's cash, so a rich book still needs only what opens it
    expect(capitalRequired(rich, market, engine).depositUsd8).toBe(
      capitalRequired(book('leveraged'), market, engine).depositUsd8,
    )
  })
})
