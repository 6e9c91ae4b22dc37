import { type Address, getAddress, type Hex, isAddress, isHex } from 'viem'
import { z } from 'zod'
import { apiSchema } from './api.js'
import { collateralRiskFields, collateralRiskOf } from './collateralRisk.js'
import { latencySchema } from './latency.js'
import { instrumentSchema, marginSchema } from './margin.js'

const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), { message: 'must be a 20-byte 0x address' })
  .transform((v) => getAddress(v) as Address)
const privateKey = z
  .string()
  .refine((v) => isHex(v) && v.length === 66, { message: 'must be a 32-byte 0x private key' })
  .transform((v) => v as Hex)
const bps = z.number().int().min(0).max(10_000)
const decimalBigint = z
  .union([z.bigint(), z.string().regex(/^-?\d+$/, 'must be an integer in decimal'), z.number().int()])
  .transform((v) => BigInt(v))

/**
 * A collateral asset on one chain: the ERC-20, its Chainlink-compatible USD feed (8 decimals), its haircut, and how
 * the portfolio engine treats it in the scenarios (see `collateralRiskOf` for the defaults).
 */
export const assetSchema = z
  .object({
    /** canonical symbol shared across chains, e.g. `ETH` for WETH on every chain; also the feed's underlying */
    symbol: z.string().min(1),
    address,
    decimals: z.number().int().min(0).max(36),
    /** AggregatorV3Interface-compatible feed on the same chain, answer in USD with `feedDecimals` */
    feed: address,
    feedDecimals: z.number().int().min(0).max(36).default(8),
    /**
     * collateral haircut for this (asset, chain), bps of market value: the whole haircut in the linear, tiered and
     * isolated modes, and in portfolio mode for collateral that is not risk-cancelling
     */
    haircutBps: bps,
    ...collateralRiskFields,
  })
  .superRefine((asset, ctx) => {
    if (asset.mmHaircutBps !== undefined && asset.imHaircutBps !== undefined && asset.imHaircutBps < asset.mmHaircutBps)
      ctx.addIssue({ code: 'custom', path: ['imHaircutBps'], message: 'initial-margin haircut is below the maintenance one' })
  })
  .transform((asset) => ({ ...asset, ...collateralRiskOf(asset) }))

/** LayerZero v2 contracts on one chain, when the chain is reachable over LayerZero. */
export const layerZeroChainSchema = z.object({
  /** LayerZero endpoint id of this chain (e.g. 40101) */
  eid: z.number().int().positive().max(4_294_967_295),
  /** EndpointV2 */
  endpoint: address,
  /** SendUln302, the default send library */
  sendLib: address,
  /** ReceiveUln302, the default receive library, where the relayer verifies as the DVN */
  receiveLib: address,
  /** the executor/DVN fee contract SendUln302 quotes (our LzWorker) */
  worker: address,
  /**
   * Who delivers packets arriving on this chain: `relayer` (default; the relayer operates the LzWorker that the
   * receive path names as its required DVN, and executes `lzReceive` itself, as on the devnet), or `watch` (the
   * DVNs and executor configured in the path's ULN config deliver; the relayer only watches the endpoint and records
   * verification and execution as they happen).
   */
  delivery: z.enum(['relayer', 'watch']).default('relayer'),
})

/** How commands travel from the hub to a chain's vault. */
export const transportSchema = z.enum(['wormhole', 'layerzero'])
export type TransportName = z.output<typeof transportSchema>

/** The route hub → `chainId`: which transport carries the commands to that chain's vault. */
export const routeSchema = z.object({
  chainId: z.number().int().positive(),
  transport: transportSchema.default('wormhole'),
})

export const chainSchema = z.object({
  name: z.string().min(1),
  /** EVM chain id (`eth_chainId`) */
  chainId: z.number().int().positive(),
  /** Wormhole chain id of this chain (independent of the EVM chain id) */
  wormholeChainId: z.number().int().positive().max(65_535),
  rpcUrl: z.string().url(),
  /** blocks a log must be buried under before the watcher writes it (finality depth) */
  confirmations: z.number().int().min(0).default(2),
  /** expected block interval, ms; used for polling cadence */
  blockTimeMs: z.number().int().positive().default(1000),
  /** largest `eth_getLogs` range, blocks */
  maxLogRange: z.number().int().positive().default(1000),
  /** first block to scan (the vault's deployment block) */
  startBlock: decimalBigint.default(0n),
  wormhole: address,
  vault: address,
  assets: z.array(assetSchema).min(1),
  /** LayerZero v2 contracts; required on the hub chain and on every chain whose route uses LayerZero */
  layerzero: layerZeroChainSchema.optional(),
})

export const marketSchema = z.object({
  /** e.g. `ETH-PERP` */
  symbol: z.string().min(1),
  /** symbol of the underlying whose feed on the hub chain is the mark price */
  underlying: z.string().min(1),
  /** initial margin fraction, bps of notional */
  imfBps: bps,
  /** maintenance margin fraction, bps of notional (≤ imfBps) */
  mmfBps: bps,
  /** what the market trades (default: a perpetual on `underlying`) */
  instrument: instrumentSchema.default({ kind: 'perp' }),
  /**
   * widest distance of a reported entry price from the hub's mark price of `underlying`, bps of the mark (default
   * 2000 = 20%); for an option, the premium's ceiling above the mark (a call) instead, a put's ceiling being its strike
   */
  maxEntryDeviationBps: bps.default(2000),
  /** largest notional of one reported position, usd8: |size| × mark of `underlying` (default 10^9 USD) */
  maxNotionalUsd8: decimalBigint.refine((v) => v > 0n, 'must be above 0').default(10n ** 17n),
})

export const configSchema = z
  .object({
    hub: z.object({
      /** EVM chain id of the chain that hosts MarginHub */
      chainId: z.number().int().positive(),
      address,
      /** Wormhole consistency level MarginHub publishes with */
      consistencyLevel: z.number().int().min(0).max(255).default(1),
    }),
    chains: z.array(chainSchema).min(1),
    markets: z.array(marketSchema),
    guardians: z.object({
      /** guardian set index the local keys form */
      setIndex: z.number().int().min(0).default(0),
      /** local guardian private keys (devnet); production uses a remote attestation source instead */
      keys: z.array(privateKey).default([]),
      /** base URL of a Wormholescan-compatible API serving signed VAAs, when not signing locally */
      apiUrl: z.string().url().optional(),
    }),
    venue: z.object({
      /** the address whose EIP-712 signature a position report must carry */
      reporter: address,
      /** EIP-712 domain name for position reports */
      domainName: z.string().default('Unimargin'),
    }),
    relayer: z.object({
      /** key that sends publish and delivery transactions */
      privateKey,
      /** first retry delay, ms; doubles per attempt up to `maxDelayMs` */
      baseDelayMs: z.number().int().positive().default(250),
      maxDelayMs: z.number().int().positive().default(30_000),
      /** attempts before a command is dead-lettered */
      maxAttempts: z.number().int().positive().default(8),
    }),
    liquidation: z.object({
      /** account credited with seized collateral inside each vault */
      receiver: address,
      /** liquidation penalty, bps of closed notional, capped at the remaining equity */
      penaltyBps: bps.default(100),
      /** insurance fund opening balance, usd8 */
      insuranceFundUsd8: decimalBigint.default(0n),
    }),
    /** this node of the hub */
    node: z
      .object({
        /**
         * stable id of this node in the outbox's `claimed_by`: the same across restarts, unique among the nodes sharing
         * a database (default: generated on first start and kept beside the data dir, in `<data dir>.node-id`)
         */
        id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').optional(),
      })
      .optional(),
    /** routes hub → chain; a chain without an entry is reached over Wormhole */
    routes: z.array(routeSchema).default([]),
    /** route latency measurement and the safety buffers sized from it */
    latency: latencySchema.prefault({}),
    /** the protocol's margin model (default: linear IMF/MMF per market) */
    margin: marginSchema.prefault({}),
    /** seconds a command stays valid after it is decided */
    commandTtlSeconds: z.number().int().positive().default(3600),
    /** seconds after which an oracle answer counts as stale (reported, and blocks withdrawals) */
    maxPriceAgeSeconds: z.number().int().positive().default(3600),
    /** safety buffer, usd8, added to initial margin for withdrawals (route latency buffers replace this) */
    withdrawalBufferUsd8: decimalBigint.default(0n),
    /** what one HTTP client may ask of the API (see `apiSchema`); the API's defaults fill what is left out */
    api: apiSchema.optional(),
    /** escape hatch: how often the hub checkpoints each vault's exit entitlements (a root that did not change is not sent) */
    escape: z
      .object({
        /** seconds between checkpoint rounds; well below the vaults' `escapeDelaySeconds` */
        checkpointIntervalSeconds: z.number().int().positive().default(3600),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<number>()
    for (const [i, chain] of config.chains.entries()) {
      if (ids.has(chain.chainId))
        ctx.addIssue({ code: 'custom', path: ['chains', i, 'chainId'], message: `duplicate chain id ${chain.chainId}` })
      ids.add(chain.chainId)
    }
    if (!ids.has(config.hub.chainId))
      ctx.addIssue({ code: 'custom', path: ['hub', 'chainId'], message: `hub chain ${config.hub.chainId} is not in chains` })
    const routed = new Set<number>()
    for (const [i, route] of config.routes.entries()) {
      const chain = config.chains.find((c) => c.chainId === route.chainId)
      if (!chain) ctx.addIssue({ code: 'custom', path: ['routes', i, 'chainId'], message: `chain ${route.chainId} is not in chains` })
      if (routed.has(route.chainId)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'chainId'], message: `duplicate route to ${route.chainId}` })
      routed.add(route.chainId)
      if (route.transport !== 'layerzero') continue
      const hub = config.chains.find((c) => c.chainId === config.hub.chainId)
      if (chain && !chain.layerzero)
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'transport'], message: `chain ${route.chainId} has no layerzero contracts configured` })
      if (hub && !hub.layerzero)
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'transport'], message: `the hub chain ${hub.chainId} has no layerzero contracts configured` })
    }
    const eids = new Set<number>()
    for (const [i, chain] of config.chains.entries()) {
      if (!chain.layerzero) continue
      if (eids.has(chain.layerzero.eid))
        ctx.addIssue({ code: 'custom', path: ['chains', i, 'layerzero', 'eid'], message: `duplicate LayerZero eid ${chain.layerzero.eid}` })
      eids.add(chain.layerzero.eid)
    }
    for (const [i, market] of config.markets.entries())
      if (market.mmfBps > market.imfBps)
        ctx.addIssue({ code: 'custom', path: ['markets', i, 'mmfBps'], message: 'maintenance fraction exceeds initial' })
  })

export type ConfigInput = z.input<typeof configSchema>
export type Config = z.output<typeof configSchema>
export type ChainConfig = Config['chains'][number]
export type AssetConfig = ChainConfig['assets'][number]
export type MarketConfig = Config['markets'][number]
export type LayerZeroChainConfig = NonNullable<ChainConfig['layerzero']>
export type RouteConfig = Config['routes'][number]

/** Thrown by {@link defineConfig} with every problem, each with its path. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`)
  }
}

/**
 * Validates and normalises a configuration (addresses checksummed, defaults applied).
 * @throws {ConfigError} listing every invalid field by path.
 * @example const config = defineConfig(JSON.parse(readFileSync('unimargin.json', 'utf8')))
 */
export function defineConfig(input: ConfigInput): Config {
  const result = configSchema.safeParse(input)
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })))
  return result.data
}

/** The chain with this EVM chain id. @throws Error if the config has no such chain. */
export function getChain(config: Config, chainId: number): ChainConfig {
  const chain = config.chains.find((c) => c.chainId === chainId)
  if (!chain) throw new Error(`Chain ${chainId} is not configured (configured: ${config.chains.map((c) => c.chainId).join(', ')}).`)
  return chain
}

/** The asset at this address on this chain, or undefined when it is not collateral there. */
export function findAsset(config: Config, chainId: number, asset: Address): AssetConfig | undefined {
  const a = asset.toLowerCase()
  return getChain(config, chainId).assets.find((x) => x.address.toLowerCase() === a)
}

/** The transport of the route hub → `chainId`: its configured route, else `wormhole`. */
export function routeTransport(config: Config, chainId: number): TransportName {
  return config.routes.find((r) => r.chainId === chainId)?.transport ?? 'wormhole'
}

/**
 * The LayerZero contracts of chain `chainId`.
 * @throws Error if the chain is not configured or has no `layerzero` section.
 */
export function getLayerZero(config: Config, chainId: number): LayerZeroChainConfig {
  const lz = getChain(config, chainId).layerzero
  if (!lz) throw new Error(`Chain ${chainId} has no LayerZero contracts configured.`)
  return lz
}
