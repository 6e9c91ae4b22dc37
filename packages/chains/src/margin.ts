import { z } from 'zod'

const decimalBigint = z
  .union([z.bigint(), z.string().regex(/^-?\d+$/, 'must be an integer in decimal'), z.number().int()])
  .transform((v) => BigInt(v))

/**
 * What a market trades. Perpetuals need nothing more; a dated future its expiry; a European option its expiry,
 * strike (USD with 8 decimals) and right. Expiries are unix seconds.
 */
export const instrumentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('perp') }),
  z.strictObject({ kind: z.literal('future'), expiry: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('option'), expiry: z.number().int().positive(), strikeUsd8: decimalBigint, right: z.enum(['call', 'put']) }),
])

/** A minimal vol surface of one underlying: ATM vol per expiry (days) and a skew per unit of log-moneyness. */
export const volSurfaceSchema = z.strictObject({
  expiries: z.array(z.strictObject({ days: z.number().positive(), atmVol: z.number().positive().max(10) })).min(1),
  skew: z.number().default(0),
})

/**
 * The protocol's margin model.
 * - `linear`: each market's IMF/MMF on notional, collateral at price less haircut (the baseline);
 * - `portfolio`, `tiered`, `isolated`, `span`: the portfolio engine of `@unimargin/risk` (scenario-grid worst loss;
 *   notional tiers with open-interest scaling; per-position requirements; CME SPAN per underlying with calendar
 *   charges, inter-commodity credits and the short option minimum), with `params` overriding its defaults (SPAN's
 *   under `params.span`, defaults derived from the grid).
 */
export const marginSchema = z.strictObject({
  mode: z.enum(['linear', 'portfolio', 'tiered', 'isolated', 'span']).default('linear'),
  /** overrides of the engine's parameters (`PortfolioParams`, top-level keys replaced whole; validated by the engine) */
  params: z.record(z.string(), z.unknown()).optional(),
  /** a scenario grid in the engine's JSON format; default: the engine's built-in grid */
  grid: z.unknown().optional(),
  /** vol surface per underlying, needed for option markets */
  volSurfaces: z.record(z.string(), volSurfaceSchema).default({}),
  /** continuously compounded rate per year for forwards and discounting */
  rate: z.number().min(-1).max(1).default(0),
  /**
   * portfolio mode: `static` margins with the grid as configured; `volatility` with the hub's published parameter
   * sets (`GET /v1/risk/parameters`): the grid's moves, vol shocks and size-tier haircuts scaled to each underlying's
   * realised σ with a stressed-period floor, bounded steps and a cooldown, and the diversification cap shrunk as
   * correlations rise; an account that adds no risk keeps the set it was last margined under for a grace window
   */
  calibration: z.enum(['static', 'volatility']).default('static'),
  /** when set, a liquidation closes only as much as brings health (bps of MM) back to this; absent = close all */
  liquidationTargetHealthBps: z.number().int().min(10_000).optional(),
})

export type InstrumentConfig = z.output<typeof instrumentSchema>
export type VolSurfaceConfig = z.output<typeof volSurfaceSchema>
export type MarginConfig = z.output<typeof marginSchema>
