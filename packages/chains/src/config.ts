import { type Address, getAddress, type Hex, isAddress, isHex } from 'viem'
import { z } from 'zod'
import { apiSchema } from './api.js'
import { collateralRiskFields, collateralRiskOf } from './collateralRisk.js'
import { latencySchema } from './latency.js'
import { instrumentSchema, marginSchema } from './margin.js'
import { UnimarginError } from '@unimargin/errors'
import { literalPrivateKeyPaths, secretOr } from './secrets.js'

/** a 20-byte 0x address, any case in, checksummed out */
export const addressSchema = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), { message: 'must be a 20-byte 0x address' })
  .transform((v) => getAddress(v) as Address)
/** a 32-byte key, written in the file (devnets only, see `literalPrivateKeyPaths`) or named as a {@link SecretRef} */
export const privateKeySchema = secretOr(
  z
    .string()
    .refine((v) => isHex(v) && v.length === 66, { message: 'must be a 32-byte 0x private key' })
    .transform((v) => v as Hex),
)
const address = addressSchema
const privateKey = privateKeySchema
/** an RPC URL, which may carry a provider's API key: written in the file or named as a {@link SecretRef} */
const rpcUrl = secretOr(z.string().url())
const bps = z.number().int().min(0).max(10_000)
const decimalBigint = z
  .union([z.bigint(), z.string().regex(/^-?\d+$/, 'must be an integer in decimal'), z.number().int()])
  .transform((v) => BigInt(v))

/**
 * A collateral asset on one chain: the ERC-20, its Chainlink-compatible USD feed (8 decimals), its haircut, and how
 * the portfolio engine treats it in the scenarios (see `collateralRiskOf` for the defaults).
 */
export const assetSchema = z
  .strictObject({
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
export const layerZeroChainSchema = z.strictObject({
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
export const routeSchema = z.strictObject({
  chainId: z.number().int().positive(),
  transport: transportSchema.default('wormhole'),
})

export const chainSchema = z.strictObject({
  name: z.string().min(1),
  /** EVM chain id (`eth_chainId`) */
  chainId: z.number().int().positive(),
  /** Wormhole chain id of this chain (independent of the EVM chain id) */
  wormholeChainId: z.number().int().positive().max(65_535),
  /** the chain's JSON-RPC endpoint over HTTP(S) */
  rpcUrl,
  /**
   * more endpoints of the same chain, tried in order after `rpcUrl` when it fails (viem `fallback`); use providers
   * that do not share infrastructure
   */
  fallbackRpcUrls: z.array(rpcUrl).default([]),
  /** let viem rank `rpcUrl` and the fallbacks by measured latency and stability instead of keeping their order */
  rankRpcUrls: z.boolean().default(false),
  /**
   * quorum reads: how many of the chain's providers (`rpcUrl` + `fallbackRpcUrls`) must return the same end block hash
   * and the same logs for a range before the watcher writes any of it; a disagreement halts the chain. 1 = trust the
   * first provider that answers.
   */
  quorum: z.number().int().min(1).default(1),
  /** blocks a log must be buried under before the watcher writes it (finality depth), with `finality: 'confirmations'` */
  confirmations: z.number().int().min(0).default(2),
  /**
   * what makes a block final for the watcher: `confirmations` (head − `confirmations`, the default), or the node's
   * `safe` / `finalized` block tag (EIP-1898 / the Engine API's fork choice: on Ethereum, a justified or finalized
   * checkpoint; on OP Stack chains, a block derived from L1 data / from finalized L1 data)
   */
  finality: z.enum(['confirmations', 'safe', 'finalized']).default('confirmations'),
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
  /**
   * USD notional, whole dollars, from which an ApproveWithdrawal or Seize of this chain's vault is carried over both
   * Wormhole and LayerZero and executes only once both delivered it (the vault's per-asset `dualTransportThreshold`,
   * in base units at the hub's prices: `dualTransportThresholds`). Needs LayerZero on this chain and on the hub. Unset:
   * every command executes at its first arrival.
   */
  dualTransportAboveUsd: z.number().int().positive().optional(),
})

/**
 * How the node reaches a chain whose vault may be registered in the hub's VaultRegistry: a chain's settings without
 * the vault's own (`vault`, `assets`, `startBlock`, `confirmations`), which its registry entry supplies.
 */
export const registryChainSchema = chainSchema.omit({ vault: true, assets: true, startBlock: true, confirmations: true, dualTransportAboveUsd: true })

/** The hub chain's VaultRegistry, whose registered vaults the node watches without a restart. */
export const registrySchema = z.strictObject({
  /** the VaultRegistry contract on the hub chain */
  address,
  /** the registry's deployment block; at or after the hub chain's `startBlock`, which the hub chain's watcher starts from */
  startBlock: decimalBigint.default(0n),
  /**
   * the chains a registered vault may live on, with their RPC providers (the registry holds no RPC URL); a vault
   * registered on a chain not listed here, nor in `chains`, is recorded and reported, not watched
   */
  chains: z.array(registryChainSchema).default([]),
})

export const marketSchema = z.strictObject({
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
  .strictObject({
    /**
     * a local devnet whose keys are public (anvil's): only then may the file hold private keys as literals; every
     * other configuration names them (`{ "$env": … }`, `{ "$keystore": … }`), see `loadConfigFile`
     */
    devnet: z.boolean().default(false),
    hub: z.strictObject({
      /** EVM chain id of the chain that hosts MarginHub */
      chainId: z.number().int().positive(),
      address,
      /** Wormhole consistency level MarginHub publishes with */
      consistencyLevel: z.number().int().min(0).max(255).default(1),
    }),
    chains: z.array(chainSchema).min(1),
    /** the hub chain's VaultRegistry (optional): vaults registered there join the node while it runs */
    registry: registrySchema.optional(),
    markets: z.array(marketSchema),
    guardians: z.strictObject({
      /** guardian set index the local keys form */
      setIndex: z.number().int().min(0).default(0),
      /** local guardian private keys (devnet); production uses a remote attestation source instead */
      keys: z.array(privateKey).default([]),
      /** base URL of a Wormholescan-compatible API serving signed VAAs, when not signing locally */
      apiUrl: z.string().url().optional(),
    }),
    venue: z.strictObject({
      /** the address whose EIP-712 signature a position report must carry */
      reporter: address,
      /** EIP-712 domain name for position reports */
      domainName: z.string().default('Unimargin'),
    }),
    relayer: z.strictObject({
      /** key that sends publish and delivery transactions */
      privateKey,
      /** first retry delay, ms; doubles per attempt up to `maxDelayMs` */
      baseDelayMs: z.number().int().positive().default(250),
      maxDelayMs: z.number().int().positive().default(30_000),
      /** attempts before a command is dead-lettered */
      maxAttempts: z.number().int().positive().default(8),
    }),
    /**
     * MarginHub's co-signers as the relayer reaches them: each command is published only with MarginHub's
     * `threshold()` of their signatures, which the relayer reads from the hub. Required by a relayer; a node without
     * it cannot publish.
     */
    coSigners: z
      .strictObject({
        /** base URLs of the co-signer services (`POST <url>/v1/cosign`) */
        urls: z.array(z.string().url()).min(1),
        /**
         * fallback only: the signatures a command needs while `MarginHub.threshold()` cannot be read (the relayer
         * reads the hub's value, cached for 15 s); optional
         */
        threshold: z.number().int().min(1).max(255).optional(),
        /** ms the relayer waits for one co-signer's answer (default 10 000) */
        timeoutMs: z.number().int().positive().default(10_000),
      })
      .refine((c) => c.threshold === undefined || c.threshold <= c.urls.length, { message: 'threshold must not exceed the number of co-signer urls', path: ['threshold'] })
      .optional(),
    /** this process as a co-signer (`unimargin cosign`): its key and how much valuation drift it tolerates */
    coSigner: z
      .strictObject({
        /** the co-signer's signing key (a registered MarginHub co-signer) */
        privateKey,
        /**
         * how far below initial margin, bps of initial margin, an approved withdrawal may leave the account by this
         * co-signer's own valuation (prices and blocks seen a little apart from the hub's); default 100
         */
        toleranceBps: bps.default(100),
      })
      .optional(),
    liquidation: z.strictObject({
      /** account credited with seized collateral inside each vault */
      receiver: address,
      /** liquidation penalty, bps of closed notional, capped at the remaining equity */
      penaltyBps: bps.default(100),
      /** insurance fund opening balance, usd8 */
      insuranceFundUsd8: decimalBigint.default(0n),
    }),
    /** this node of the hub */
    node: z
      .strictObject({
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
    for (const [i, chain] of config.chains.entries()) {
      const providers = new Set([chain.rpcUrl, ...chain.fallbackRpcUrls]).size
      if (chain.quorum > providers)
        ctx.addIssue({ code: 'custom', path: ['chains', i, 'quorum'], message: `quorum ${chain.quorum} needs at least ${chain.quorum} distinct RPC URLs, the chain has ${providers}` })
    }
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
    for (const [i, chain] of config.chains.entries()) {
      if (chain.dualTransportAboveUsd === undefined) continue
      const hub = config.chains.find((c) => c.chainId === config.hub.chainId)
      if (!chain.layerzero || (hub && !hub.layerzero))
        ctx.addIssue({ code: 'custom', path: ['chains', i, 'dualTransportAboveUsd'], message: 'needs LayerZero contracts on this chain and on the hub chain' })
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
export type RegistryConfig = NonNullable<Config['registry']>
export type RegistryChainConfig = RegistryConfig['chains'][number]

/** Thrown by {@link defineConfig} with every problem, each with its path. */
export class ConfigError extends UnimarginError {
  override name = 'ConfigError'
  constructor(
    readonly issues: { path: string; message: string }[],
    /** the file the configuration came from, when known */
    readonly source?: string,
  ) {
    super(`Invalid configuration${source ? ` in ${source}` : ''}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`)
  }
}

/**
 * A readable path of a config issue: list items by their name where they have one (`chains[arbitrum].assets[USDC]`,
 * `markets[ETH-PERP]`), by index otherwise (`routes[0]`).
 */
export function configPath(path: readonly PropertyKey[], input: unknown): string {
  let node: unknown = input
  let out = ''
  for (const key of path) {
    const item = Array.isArray(node) && typeof key === 'number' ? (node[key] as Record<string, unknown> | undefined) : undefined
    if (typeof key === 'number') {
      const name = item && ['name', 'symbol'].map((k) => item[k]).find((v) => typeof v === 'string' && v !== '')
      out += `[${name ?? key}]`
    } else out += `${out ? '.' : ''}${String(key)}`
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined
  }
  return out || '(root)'
}

/**
 * Validates and normalises a configuration (addresses checksummed, defaults applied). Unknown keys are errors, so a
 * typo (`"confirmation": 12`) is reported instead of silently keeping a default.
 * @param source the file the configuration was read from, named in the error
 * @throws {ConfigError} listing every invalid field by path, list items by name (see {@link configPath}).
 * @example const config = defineConfig(JSON.parse(readFileSync('unimargin.json', 'utf8')), 'unimargin.json')
 */
export function defineConfig(input: ConfigInput, source?: string): Config {
  const result = configSchema.safeParse(input)
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => ({
        path: configPath(i.path, input),
        message: i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}` : i.message,
      })),
      source,
    )
  // a registered symbol, so a config defined by another instance of this module (a config file loaded by jiti) is recognised
  Object.defineProperty(result.data, LITERAL_KEYS, { value: literalPrivateKeyPaths(input), enumerable: false })
  return result.data
}

const LITERAL_KEYS = Symbol.for('unimargin.config.literalPrivateKeys')

/**
 * The private keys `config`'s input held as literal strings (paths such as `relayer.privateKey`), or undefined when
 * `config` did not come from {@link defineConfig}.
 */
export function literalPrivateKeysOf(config: unknown): string[] | undefined {
  return config && typeof config === 'object' ? ((config as Record<symbol, string[] | undefined>)[LITERAL_KEYS] ?? undefined) : undefined
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
