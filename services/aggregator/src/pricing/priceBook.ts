import type { AssetConfig, Config } from '@unimargin/chains'
import { type DbOrTx, prices, valuationBlocks } from '@unimargin/db'
import { toUsd8 } from '../common/config.js'

/** One oracle answer as the hub uses it. */
export type PriceQuote = {
  chainId: number
  feed: string
  symbol: string
  /** the feed's answer converted to 8 decimals */
  priceUsd8: bigint
  roundId: bigint
  /** the feed's own timestamp, unix seconds */
  updatedAt: bigint
  blockNumber: bigint
  /** seconds between `updatedAt` and the newest processed block of the feed's chain (≥ 0) */
  ageSeconds: bigint
  /** older than `maxPriceAgeSeconds` */
  stale: boolean
}

export type ValuationBlock = { chainId: number; blockNumber: bigint; blockHash: string; blockTimestamp: bigint }

/** Every known price and every chain's valuation block, read once per decision. */
export type PriceBook = {
  quotes: PriceQuote[]
  blocks: Map<number, ValuationBlock>
  /** price of a collateral asset: its own feed on its own chain */
  collateralPrice(chainId: number, asset: AssetConfig): PriceQuote | undefined
  /** mark price of an underlying: its feed on the hub chain, else the freshest feed with that symbol elsewhere */
  markPrice(underlying: string): PriceQuote | undefined
}

/**
 * Reads the `prices` and `valuation_blocks` tables into a {@link PriceBook}. Ages are measured against the newest
 * processed block of each feed's chain, or `referenceTs` (unix s) for a chain with no processed block yet.
 */
export async function loadPriceBook(tx: DbOrTx, config: Config, referenceTs: bigint): Promise<PriceBook> {
  const [priceRows, blockRows] = await Promise.all([tx.select().from(prices), tx.select().from(valuationBlocks)])
  const blocks = new Map<number, ValuationBlock>(blockRows.map((b) => [b.chainId, b]))
  const maxAge = BigInt(config.maxPriceAgeSeconds)
  const quotes: PriceQuote[] = []
  for (const row of priceRows) {
    const chain = config.chains.find((c) => c.chainId === row.chainId)
    const asset = chain?.assets.find((a) => a.feed.toLowerCase() === row.feed.toLowerCase())
    const head = blocks.get(row.chainId)?.blockTimestamp ?? referenceTs
    const age = head > row.updatedAt ? head - row.updatedAt : 0n
    quotes.push({
      chainId: row.chainId,
      feed: row.feed,
      symbol: row.symbol,
      priceUsd8: toUsd8(row.answer, asset?.feedDecimals ?? 8),
      roundId: row.roundId,
      updatedAt: row.updatedAt,
      blockNumber: row.blockNumber,
      ageSeconds: age,
      stale: age > maxAge,
    })
  }
  return priceBookOf(config, quotes, blocks)
}

/**
 * The {@link PriceBook} over quotes and valuation blocks already read (a worker thread rebuilds the book of
 * {@link loadPriceBook} from its `quotes` and `blocks`, which are structured-cloneable where the book is not).
 */
export function priceBookOf(config: Config, quotes: PriceQuote[], blocks: Map<number, ValuationBlock>): PriceBook {
  const byFeed = new Map(quotes.map((q) => [`${q.chainId}:${q.feed.toLowerCase()}`, q]))
  return {
    quotes,
    blocks,
    collateralPrice: (chainId, asset) => byFeed.get(`${chainId}:${asset.feed.toLowerCase()}`),
    markPrice(underlying) {
      const hub = config.chains.find((c) => c.chainId === config.hub.chainId)
      const hubAsset = hub?.assets.find((a) => a.symbol === underlying)
      const onHub = hubAsset && byFeed.get(`${config.hub.chainId}:${hubAsset.feed.toLowerCase()}`)
      if (onHub) return onHub
      return quotes.filter((q) => q.symbol === underlying).sort((a, b) => (a.updatedAt > b.updatedAt ? -1 : 1))[0]
    },
  }
}
