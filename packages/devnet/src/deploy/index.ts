export { ASSET_SYMBOLS, ASSETS, type AssetSymbol, FEED_DECIMALS, haircutBps } from './assets.js'
export { type ChainAddresses, deployChain, type DeployChainParams, expectedHubAddress } from './chain.js'
export { confirm, type DeployContext } from './context.js'
