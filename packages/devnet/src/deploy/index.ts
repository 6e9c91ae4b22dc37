export { ASSET_SYMBOLS, ASSETS, type AssetSymbol, FEED_DECIMALS, haircutBps, routeBreakLossBps } from './assets.js'
export { type ChainAddresses, DEVNET_ESCAPE_DELAY_SECONDS, deployChain, type DeployChainParams, expectedHubAddress, setHubPeers } from './chain.js'
export { confirm, type DeployContext } from './context.js'
export { configureLayerZero, DEVNET_BASE_EID, DEVNET_LZ_FEES, deployLayerZero, type LayerZeroAddresses } from './layerzero.js'
