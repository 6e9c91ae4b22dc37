export { type ApiConfig, apiSchema } from './api.js'
export { type CollateralRisk, collateralRiskOf, RISK_CANCELLING_HAIRCUTS, RISK_CANCELLING_UNDERLYINGS } from './collateralRisk.js'
export { chainTransport, createChainPublicClient, createChainWalletClient, rpcUrlsOf, toViemChain } from './clients.js'
export { loadConfigFile, loadFileWith } from './load.js'
export { env, keystore, literalPrivateKeyPaths, type SecretRef, secretOr } from './secrets.js'
export { instrumentedFetch, providerLabel, rpcRequestDuration, rpcRequestErrors } from './rpcMetrics.js'
export { fetchWithCappedRetryAfter, MAX_RETRY_AFTER_SECONDS } from './retryAfter.js'
export {
  type AssetConfig,
  type ChainConfig,
  type Config,
  ConfigError,
  type ConfigInput,
  addressSchema,
  configPath,
  privateKeySchema,
  configSchema,
  defineConfig,
  literalPrivateKeysOf,
  findAsset,
  getChain,
  getLayerZero,
  type LayerZeroChainConfig,
  layerZeroChainSchema,
  type MarketConfig,
  type RegistryChainConfig,
  type RegistryConfig,
  registryChainSchema,
  registrySchema,
  type RouteConfig,
  routeSchema,
  routeTransport,
  type TransportName,
  transportSchema,
} from './config.js'
export { dualTransportThreshold, dualTransportThresholds } from './dualTransport.js'
export { type InstrumentConfig, instrumentSchema, type MarginConfig, marginSchema, type VolSurfaceConfig, volSurfaceSchema } from './margin.js'
export { type LatencyConfig, latencySchema } from './latency.js'
export {
  type JoinSkipReason,
  joinRegisteredVault,
  REGISTRY_TRANSPORTS,
  type RegisteredAsset,
  type RegisteredVault,
  type RegisteredVaultRow,
  registeredChainConfig,
  registeredVaultOf,
  VAULT_STATUSES,
  type VaultStatus,
} from './registry.js'
