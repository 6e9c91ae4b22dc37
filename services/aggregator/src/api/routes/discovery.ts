import { createRoute, z } from '@hono/zod-openapi'
import type { Config } from '@unimargin/chains'
import { chainCheckpoints, type Db } from '@unimargin/db'
import { formatUnits } from 'viem'
import { toUnixSeconds } from '../../common/format.js'
import { loadPriceBook, type PriceQuote } from '../../pricing/index.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { AddressString, DecimalString, IntString, IsoTime } from '../schemas/common.js'

const PriceSchema = z
  .object({
    chainId: z.number(),
    symbol: z.string(),
    feed: AddressString,
    priceUsd8: IntString.openapi({ description: "the feed's answer at 8 decimals" }),
    priceUsd: DecimalString,
    roundId: IntString,
    updatedAt: IntString.openapi({ description: "the feed's own timestamp, unix s" }),
    blockNumber: IntString,
    ageSeconds: IntString.openapi({ description: "seconds from updatedAt to the newest processed block of the feed's chain" }),
    stale: z.boolean().openapi({ description: 'older than the configured maxPriceAgeSeconds' }),
  })
  .openapi('Price')

const ChainSchema = z
  .object({
    name: z.string(),
    chainId: z.number(),
    wormholeChainId: z.number(),
    hub: z.boolean().openapi({ description: 'the chain hosting MarginHub' }),
    vault: AddressString,
    wormhole: AddressString,
    transport: z.enum(['wormhole', 'layerzero']).openapi({ description: 'how hub commands reach this vault' }),
    layerzero: z.object({ eid: z.number(), endpoint: AddressString }).nullable(),
    dualTransportAboveUsd: z.number().nullable().openapi({ description: 'whole USD from which a command needs both transports' }),
    finality: z.enum(['confirmations', 'safe', 'finalized']),
    confirmations: z.number(),
    blockTimeMs: z.number(),
    headBlock: IntString.nullable(),
    checkpointBlock: IntString.nullable(),
    lagBlocks: IntString.nullable(),
    headAgeSeconds: z.number().nullable(),
    halted: z.object({ reason: z.string(), since: IsoTime.nullable() }).nullable(),
    assets: z.array(z.object({ symbol: z.string(), address: AddressString, decimals: z.number() })),
  })
  .openapi('Chain')

const AssetSchema = z
  .object({
    chainId: z.number(),
    chainName: z.string(),
    symbol: z.string(),
    address: AddressString,
    decimals: z.number(),
    feed: AddressString,
    feedDecimals: z.number(),
    underlying: z.string(),
    riskCancelling: z.boolean(),
    haircutBps: z.number().openapi({ description: 'configured haircut, bps of value' }),
    mmHaircutBps: z.number(),
    imHaircutBps: z.number(),
    routeBreakLossBps: z.number(),
    price: PriceSchema.nullable().openapi({ description: 'null before the feed has been read' }),
  })
  .openapi('Asset')

const MarketSchema = z
  .object({
    symbol: z.string(),
    underlying: z.string(),
    instrument: z.union([
      z.object({ kind: z.literal('perp') }),
      z.object({ kind: z.literal('future'), expiry: z.number() }),
      z.object({ kind: z.literal('option'), expiry: z.number(), strikeUsd8: IntString, right: z.enum(['call', 'put']) }),
    ]),
    imfBps: z.number(),
    mmfBps: z.number(),
    maxEntryDeviationBps: z.number(),
    maxNotionalUsd8: IntString,
    markPriceUsd8: IntString.nullable(),
    markPriceUsd: DecimalString.nullable(),
    markPriceAgeSeconds: IntString.nullable(),
    markPriceStale: z.boolean().nullable(),
  })
  .openapi('Market')

const routeOf = <S extends z.ZodType>(path: string, summary: string, schema: S) =>
  createRoute({ method: 'get', path, tags: ['discovery'], summary, responses: { 200: json(schema, summary), ...errorResponses(429) } })
const chainsRoute = routeOf(
  '/chains',
  'Every chain: vault, transport, finality, watcher head and lag',
  z.object({ hub: z.object({ chainId: z.number(), address: AddressString }), chains: z.array(ChainSchema) }).openapi('Chains'),
)
const assetsRoute = routeOf('/assets', 'Every collateral asset per chain: haircuts, price and price age', z.object({ assets: z.array(AssetSchema) }).openapi('Assets'))
const marketsRoute = routeOf('/markets', 'Every market: margin fractions, limits, mark price', z.object({ markets: z.array(MarketSchema) }).openapi('Markets'))
const pricesRoute = routeOf('/prices', 'Every oracle price the hub has read', z.object({ prices: z.array(PriceSchema) }).openapi('Prices'))

const priceView = (q: PriceQuote): z.output<typeof PriceSchema> => ({
  chainId: q.chainId,
  symbol: q.symbol,
  feed: q.feed,
  priceUsd8: q.priceUsd8.toString(),
  priceUsd: formatUnits(q.priceUsd8, 8),
  roundId: q.roundId.toString(),
  updatedAt: q.updatedAt.toString(),
  blockNumber: q.blockNumber.toString(),
  ageSeconds: q.ageSeconds.toString(),
  stale: q.stale,
})

/**
 * What a front-end needs instead of hard-coded addresses, from the configuration and the database:
 * - `GET /v1/chains`: the hub and every chain with its vault, Wormhole core, transport (LayerZero endpoint id),
 *   two-transport threshold, finality, and the watcher's head, checkpoint, lag (blocks), head age (s) and halt;
 * - `GET /v1/assets`: every collateral asset per chain with its haircuts (bps) and its price as the hub values it;
 * - `GET /v1/markets`: every market with its margin fractions (bps), entry band, notional cap (usd8) and mark price;
 * - `GET /v1/prices`: every oracle answer the hub holds (usd8), with its age and staleness.
 * Price ages are against the newest processed block of the feed's chain, as the hub measures them.
 */
export function discoveryRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  const { config } = deps
  const book = () => loadPriceBook(deps.db, config, toUnixSeconds(deps.now()))
  return openApiRouter()
    .openapi(chainsRoute, async (c) => {
      const checkpoints = await deps.db.select().from(chainCheckpoints)
      const now = deps.now().getTime()
      const chains = config.chains.map((chain) => {
        const row = checkpoints.find((r) => Number(r.chainId) === chain.chainId)
        const head = row?.headBlock ?? null
        return {
          name: chain.name,
          chainId: chain.chainId,
          wormholeChainId: chain.wormholeChainId,
          hub: chain.chainId === config.hub.chainId,
          vault: chain.vault,
          wormhole: chain.wormhole,
          transport: config.routes.find((r) => r.chainId === chain.chainId)?.transport ?? ('wormhole' as const),
          layerzero: chain.layerzero ? { eid: chain.layerzero.eid, endpoint: chain.layerzero.endpoint } : null,
          dualTransportAboveUsd: chain.dualTransportAboveUsd ?? null,
          finality: chain.finality,
          confirmations: chain.confirmations,
          blockTimeMs: chain.blockTimeMs,
          headBlock: head?.toString() ?? null,
          checkpointBlock: row?.blockNumber.toString() ?? null,
          lagBlocks: head !== null && row ? (head - row.blockNumber).toString() : null,
          headAgeSeconds: row?.headSeenAt ? Math.max(0, Math.floor((now - row.headSeenAt.getTime()) / 1000)) : null,
          halted: row?.haltedReason ? { reason: row.haltedReason, since: row.haltedAt?.toISOString() ?? null } : null,
          assets: chain.assets.map((a) => ({ symbol: a.symbol, address: a.address, decimals: a.decimals })),
        }
      })
      return c.json({ hub: { chainId: config.hub.chainId, address: config.hub.address }, chains }, 200)
    })
    .openapi(assetsRoute, async (c) => {
      const prices = await book()
      const assets = config.chains.flatMap((chain) =>
        chain.assets.map((a) => {
          const quote = prices.collateralPrice(chain.chainId, a)
          return {
            chainId: chain.chainId,
            chainName: chain.name,
            symbol: a.symbol,
            address: a.address,
            decimals: a.decimals,
            feed: a.feed,
            feedDecimals: a.feedDecimals,
            underlying: a.underlying,
            riskCancelling: a.riskCancelling,
            haircutBps: a.haircutBps,
            mmHaircutBps: a.mmHaircutBps,
            imHaircutBps: a.imHaircutBps,
            routeBreakLossBps: a.routeBreakLossBps ?? 0,
            price: quote ? priceView(quote) : null,
          }
        }),
      )
      return c.json({ assets }, 200)
    })
    .openapi(marketsRoute, async (c) => {
      const prices = await book()
      const markets = config.markets.map((m) => {
        const mark = prices.markPrice(m.underlying)
        return {
          symbol: m.symbol,
          underlying: m.underlying,
          instrument: m.instrument.kind === 'option' ? { ...m.instrument, strikeUsd8: m.instrument.strikeUsd8.toString() } : m.instrument,
          imfBps: m.imfBps,
          mmfBps: m.mmfBps,
          maxEntryDeviationBps: m.maxEntryDeviationBps,
          maxNotionalUsd8: m.maxNotionalUsd8.toString(),
          markPriceUsd8: mark?.priceUsd8.toString() ?? null,
          markPriceUsd: mark ? formatUnits(mark.priceUsd8, 8) : null,
          markPriceAgeSeconds: mark?.ageSeconds.toString() ?? null,
          markPriceStale: mark?.stale ?? null,
        }
      })
      return c.json({ markets }, 200)
    })
    .openapi(pricesRoute, async (c) => {
      const prices = await book()
      const sorted = [...prices.quotes].sort((a, b) => a.chainId - b.chainId || a.symbol.localeCompare(b.symbol))
      return c.json({ prices: sorted.map(priceView) }, 200)
    })
}
