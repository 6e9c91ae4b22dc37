import { createHash } from 'node:crypto'
import type { PortfolioAccount, PortfolioCollateral } from '@unimargin/risk'
import { SAMPLE_PORTFOLIOS, type SamplePortfolio } from './portfolios.js'

/** How a population of books is drawn. */
export type PopulationParameters = {
  /** seed of every draw (default 1) */
  seed?: number
  /** number of accounts (default 300) */
  size?: number
  /** books to vary (default the sample books) */
  templates?: readonly SamplePortfolio[]
  /** range of the size multiplier, drawn log-uniform (default 1..100: 30k to 10M USD of notional per book) */
  scale?: readonly [number, number]
  /** range of the cash multiplier, drawn uniform: less cash is more leverage (default 0.35..1.5) */
  cash?: readonly [number, number]
}

/**
 * A uniform draw in [0, 1) from SHA-256 of `seed:key`: every draw is a pure function of its label, so a population
 * does not change when an unrelated draw is added or reordered.
 */
export function seededUniform(seed: number, key: string): number {
  const digest = createHash('sha256').update(`${seed}:${key}`).digest()
  return digest.readUIntBE(0, 6) / 2 ** 48
}

const scaleAmount = (amount: bigint, factor: number) => (amount * BigInt(Math.round(factor * 1e6))) / 1_000_000n
const isCash = (c: PortfolioCollateral) => (c.underlying ?? c.symbol) === 'USD'

/**
 * Seeded variations of the sample books with a spread of size and leverage: account k takes the template
 * `templates[⌊u₀·n⌋]`, scales its positions and spot legs by s = lo·(hi/lo)^u₁ and its cash by s·c,
 * c = lo + (hi − lo)·u₂ (u from {@link seededUniform}). Deterministic for a seed.
 * @throws RangeError when `size` is not a positive integer or a range is empty or not positive
 */
export function samplePopulation(parameters: PopulationParameters = {}): SamplePortfolio[] {
  const seed = parameters.seed ?? 1
  const size = parameters.size ?? 300
  const templates = parameters.templates ?? SAMPLE_PORTFOLIOS
  const [sLo, sHi] = parameters.scale ?? [1, 100]
  const [cLo, cHi] = parameters.cash ?? [0.35, 1.5]
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`The population size (${size}) must be a positive integer.`)
  if (!(sLo > 0 && sHi >= sLo && cLo > 0 && cHi >= cLo) || templates.length === 0)
    throw new RangeError('The population ranges must be positive and ordered, with at least one template.')
  return Array.from({ length: size }, (_, k) => {
    const template = templates[Math.floor(seededUniform(seed, `${k}:template`) * templates.length)]!
    const s = sLo * (sHi / sLo) ** seededUniform(seed, `${k}:scale`)
    const c = cLo + (cHi - cLo) * seededUniform(seed, `${k}:cash`)
    return {
      name: `${template.name}#${k}`,
      description: `${template.name} × ${s.toFixed(2)}, cash × ${(s * c).toFixed(2)}`,
      hedged: template.hedged,
      build: (prices, nowMs): PortfolioAccount => {
        const book = template.build(prices, nowMs)
        return {
          ...book,
          collateral: book.collateral.map((item) => ({
            ...item,
            amount: scaleAmount(item.amount, isCash(item) ? s * c : s),
          })),
          positions: book.positions.map((p) => ({
            ...p,
            size: scaleAmount(p.size, s),
          })),
        }
      },
    }
  })
}
