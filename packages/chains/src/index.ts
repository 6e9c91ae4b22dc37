export { createChainPublicClient, createChainWalletClient, toViemChain } from './clients.js'
export {
  type AssetConfig,
  type ChainConfig,
  type Config,
  ConfigError,
  type ConfigInput,
  configSchema,
  defineConfig,
  findAsset,
  getChain,
  type MarketConfig,
} from './config.js'
