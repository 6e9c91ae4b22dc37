import { describe, expect, it } from 'vitest'
import { type Candle, loadCrashWindows } from '../testing/crashWindows.js'
import type { MarketState, PortfolioAccount, PortfolioPosition } from '../types.js'
import { createPortfolioEngine } from './createPortfolioEngine.js'

const windows = loadCrashWindows()
const DAY = 86_400_000
const usd8 = (x: number) => BigInt(Math.round(x * 1e8))
const usd = (x: bigint) => Number(x) / 1e8
const pm = createPortfolioEngine({ mode: 'portfolio' })
const isolated = createPortfolioEngine({ mode: 'isolated' })

/** The market at a time with both underlyings at the given prices; flat surfaces (60% BTC, 75% ETH ATM, skew −0.1). */
function marketAt(t: number, btc: number, eth: number): MarketState {
  const surface = (underlying: string, atm: number) => ({ underlying, expiries: [{ timeYears: 7 / 365, atmVol: atm }, { timeYears: 180 / 365, atmVol: atm }], skew: -0.1 })
  return {
    nowMs: t,
    rate: 0.03,
    underlyings: { BTC: { spotUsd8: usd8(btc), updatedAtMs: t }, ETH: { spotUsd8: usd8(eth), updatedAtMs: t } },
    surfaces: { BTC: surface('BTC', 0.6), ETH: surface('ETH', 0.75) },
  }
}

const usdc = (amountUsd8: bigint) => ({ chainId: 1, symbol: 'USDC', asset: '0xusdc', amount: amountUsd8 / 100n, decimals: 6, priceUsd8: usd8(1), haircutBps: 0 })

/** Opens positions at the model price of the start market, so every book starts with zero P&L. */
function opened(market: MarketState, legs: { instrument: PortfolioPosition['instrument']; units: number }[]): PortfolioPosition[] {
  return legs.map(({ instrument, units }) => {
    const value = pm.context(market).instrument(instrument).valuation.value
    return { instrument, size: BigInt(Math.round(units * 1e6)) * 10n ** 12n, entryPrice: usd8(value) }
  })
}

type Book = { name: string; legs: (t0: number, btc: number, eth: number) => { instrument: PortfolioPosition['instrument']; units: number }[] }

const hedged: Book[] = [
  {
    name: 'BTC basis: long perp, short 90-day future',
    legs: (t0) => [
      { instrument: { kind: 'perp', underlying: 'BTC' }, units: 10 },
      { instrument: { kind: 'future', underlying: 'BTC', expiryMs: t0 + 90 * DAY }, units: -10 },
    ],
  },
  {
    name: 'ETH calendar: long 30-day, short 90-day future',
    legs: (t0) => [
      { instrument: { kind: 'future', underlying: 'ETH', expiryMs: t0 + 30 * DAY }, units: 200 },
      { instrument: { kind: 'future', underlying: 'ETH', expiryMs: t0 + 90 * DAY }, units: -200 },
    ],
  },
  {
    name: 'BTC conversion: long perp, long put, short call (same strike)',
    legs: (t0, btc) => {
      const strike = usd8(Math.round(btc / 1000) * 1000)
      return [
        { instrument: { kind: 'perp', underlying: 'BTC' }, units: 10 },
        { instrument: { kind: 'option', underlying: 'BTC', expiryMs: t0 + 30 * DAY, strikeUsd8: strike, right: 'put' }, units: 10 },
        { instrument: { kind: 'option', underlying: 'BTC', expiryMs: t0 + 30 * DAY, strikeUsd8: strike, right: 'call' }, units: -10 },
      ]
    },
  },
]

/** Replays hourly closes: the lowest health and the first hour below 1 (a liquidation), per mode. */
function replay(account: PortfolioAccount, engine: typeof pm, btc: Candle[], eth: Candle[]) {
  let minHealth = Number.POSITIVE_INFINITY
  let firstBelow: number | null = null
  btc.forEach((c, h) => {
    const r = engine.marginAccount(account, marketAt(c.t + 3_600_000, c.close, eth[h]!.close))
    const health = r.healthBps === null ? Number.POSITIVE_INFINITY : Number(r.healthBps) / 10_000
    minHealth = Math.min(minHealth, health)
    if (health < 1 && firstBelow === null) firstBelow = h
  })
  return { minHealth, firstBelow: firstBelow as number | null }
}

describe.skipIf(!windows)('cross (portfolio) margin against isolated margin on real crash windows', () => {
  it('needs less capital for hedged books than isolated margin, and never liquidates them', () => {
    const rows: Record<string, string | number>[] = []
    for (const w of windows!) {
      const btc = w.series.BTC!
      const eth = w.series.ETH!
      const t0 = btc[0]!.t
      const start = marketAt(t0, btc[0]!.open, eth[0]!.open)
      for (const book of hedged) {
        const positions = opened(start, book.legs(t0, btc[0]!.open, eth[0]!.open))
        const probe = { collateral: [], positions, settledPnlUsd8: 0n }
        const pmIm = pm.marginAccount(probe, start).imUsd8
        const isoRisk = isolated.marginAccount(probe, start)
        const isoIm = isoRisk.imUsd8
        expect(pmIm, `${w.name}: ${book.name}`).toBeLessThan(isoIm)
        const pmRun = replay({ collateral: [usdc(pmIm)], positions, settledPnlUsd8: 0n }, pm, btc, eth)
        const isoPositions = positions.map((p, i) => ({ ...p, isolatedMarginUsd8: isoRisk.positions[i]!.imUsd8 }))
        const isoRun = replay({ collateral: [usdc(isoIm)], positions: isoPositions, settledPnlUsd8: 0n }, isolated, btc, eth)
        expect(pmRun.firstBelow, `${w.name}: ${book.name} liquidated under portfolio margin`).toBeNull()
        rows.push({
          window: w.name,
          book: book.name,
          'PM IM $': Math.round(usd(pmIm)),
          'isolated IM $': Math.round(usd(isoIm)),
          'PM min health': Number(pmRun.minHealth.toFixed(2)),
          'isolated min health': Number(isoRun.minHealth.toFixed(2)),
          'isolated liquidated at hour': isoRun.firstBelow ?? '-',
        })
      }
    }
    console.table(rows)
  })

  it('liquidates leveraged books before their equity runs out, along the real price path', () => {
    const rows: Record<string, string | number>[] = []
    for (const w of windows!) {
      for (const u of ['BTC', 'ETH'] as const) {
        const candles = w.series[u]!
        const first = candles[0]!
        const start = marketAt(first.t, w.series.BTC![0]!.open, w.series.ETH![0]!.open)
        const units = u === 'BTC' ? 10 : 200
        const [perp] = opened(start, [{ instrument: { kind: 'perp', underlying: u }, units }])
        const notional = units * first.open
        const collateral = usd8(notional / 5)
        // bankruptcy: equity = collateral + units·(p − entry) = 0
        const bankrupt = usd(perp!.entryPrice) - usd(collateral) / units
        const bankruptHour = candles.findIndex((c) => c.low <= bankrupt)
        for (const [mode, engine, account] of [
          ['portfolio', pm, { collateral: [usdc(collateral)], positions: [perp!], settledPnlUsd8: 0n }],
          ['isolated', isolated, { collateral: [usdc(collateral)], positions: [{ ...perp!, isolatedMarginUsd8: collateral }], settledPnlUsd8: 0n }],
        ] as const) {
          const lp = engine.liquidationPrice(account, start, u)
          expect(lp.liquidatableNow).toBe(false)
          const liq = lp.belowUsd8 === null ? null : usd(lp.belowUsd8)
          // monitoring is continuous: the book is liquidated when the price first trades through its liquidation price
          const liqHour = liq === null ? -1 : candles.findIndex((c) => c.low <= liq)
          const equityAtTrigger = liq === null ? null : usd(collateral) + units * (liq - usd(perp!.entryPrice))
          if (bankruptHour >= 0) {
            expect(liqHour, `${w.name} ${u} ${mode}: liquidated no later than bankruptcy`).toBeGreaterThanOrEqual(0)
            expect(liqHour).toBeLessThanOrEqual(bankruptHour)
          }
          if (liq !== null) {
            expect(liq).toBeGreaterThan(bankrupt)
            expect(equityAtTrigger!).toBeGreaterThan(0)
          }
          rows.push({
            window: w.name,
            book: `${u} 5x long perp`,
            mode,
            'entry $': Math.round(usd(perp!.entryPrice)),
            'liquidation $': liq === null ? '-' : Math.round(liq),
            'bankruptcy $': Math.round(bankrupt),
            'window low $': Math.round(Math.min(...candles.map((c) => c.low))),
            'liquidated at hour': liqHour >= 0 ? liqHour : '-',
            'bankrupt at hour': bankruptHour >= 0 ? bankruptHour : '-',
            'equity left at trigger $': equityAtTrigger === null ? '-' : Math.round(equityAtTrigger),
          })
        }
      }
    }
    console.table(rows)
    // portfolio margin keeps a larger cushion than a 1% isolated MMF on the same collateral
    for (let i = 0; i < rows.length; i += 2) expect(Number(rows[i]!['equity left at trigger $'])).toBeGreaterThan(Number(rows[i + 1]!['equity left at trigger $']))
  })
})
