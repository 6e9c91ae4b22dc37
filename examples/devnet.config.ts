// A hub node's configuration for the local devnet, every field commented. Start the devnet, then a node on it:
//   unimargin devnet up                                 # 3 anvil chains, contracts, co-signers; writes .unimargin/devnet.json
//   unimargin start -c examples/devnet.config.ts        # from the same directory
// The contracts' addresses, the chains' RPC URLs and start blocks, anvil's public keys and the co-signers' URLs are
// what `devnet up` deployed and wrote to its devnet.json (UNIMARGIN_DEVNET_JSON names another one); everything else is
// set here. This is the only kind of configuration whose file may hold private keys (`devnet: true`): they are
// anvil's, known to everyone.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Config, defineConfig } from '@unimargin/chains'

const generatedFile = resolve(process.env.UNIMARGIN_DEVNET_JSON ?? '.unimargin/devnet.json')
const generated = JSON.parse(readFileSync(generatedFile, 'utf8')) as Config
const [hubChain] = generated.chains
if (!hubChain) throw new Error(`${generatedFile} lists no chain: run \`unimargin devnet up\` first`)

export default defineConfig({
  // a local devnet: private keys may be written in the file (they are anvil's)
  devnet: true,
  hub: {
    chainId: generated.hub.chainId, // MarginHub runs on the first devnet chain
    address: generated.hub.address, // MarginHub as deployed by `devnet up`
    consistencyLevel: 1, // Wormhole consistency level of MarginHub's messages (the devnet's guardians sign at once)
  },
  chains: generated.chains.map((chain) => ({
    name: chain.name, // chain-1, chain-2, chain-3: the label in logs, metrics and errors
    chainId: chain.chainId, // the anvil chain's EVM chain id
    wormholeChainId: chain.wormholeChainId, // the Wormhole chain id the devnet's core contract was given
    rpcUrl: chain.rpcUrl, // the anvil node (http://127.0.0.1:8545 and the next ports by default)
    fallbackRpcUrls: [], // one anvil per chain: no other provider
    quorum: 1, // the single provider is trusted
    finality: 'confirmations' as const, // anvil has no beacon chain: a block counts as final under `confirmations` blocks
    confirmations: 2, // blocks a log must be buried under before it is credited
    blockTimeMs: chain.blockTimeMs, // anvil mines on every transaction; 250 ms keeps the pollers quick
    maxLogRange: 1_000, // largest eth_getLogs range, blocks
    startBlock: chain.startBlock, // the block the devnet deployed the vault in
    wormhole: chain.wormhole, // the real Wormhole core contract, deployed on the devnet with local guardian keys
    vault: chain.vault, // MarginVault as deployed by `devnet up`
    // EndpointV2, ULN302 and the DVN/executor the devnet deployed (LayerZero's own contracts)
    ...(chain.layerzero ? { layerzero: chain.layerzero } : {}),
    dualTransportAboveUsd: chain.dualTransportAboveUsd, // approvals and seizes from this USD value need both transports (the vaults' threshold)
    assets: chain.assets.map((asset) => ({
      symbol: asset.symbol, // USDC, ETH, BTC on every chain
      address: asset.address, // the devnet's mock token
      decimals: asset.decimals, // the token's decimals
      feed: asset.feed, // the devnet's Chainlink-compatible mock feed, which `dev` moves through the FTX week
      feedDecimals: asset.feedDecimals, // the feed's decimals (8)
      haircutBps: asset.haircutBps, // share of market value not counted as collateral, bps
      ...(asset.routeBreakLossBps !== undefined ? { routeBreakLossBps: asset.routeBreakLossBps } : {}), // loss assumed if the route breaks, bps
    })),
  })),
  routes: generated.routes, // chain-3 over LayerZero v2 by default (`devnet up --layerzero`); the rest over Wormhole
  markets: [
    // initial / maintenance margin fractions of notional for the linear model (bps); portfolio mode uses margin.*
    { symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500 },
    { symbol: 'BTC-PERP', underlying: 'BTC', imfBps: 1000, mmfBps: 500 },
  ],
  guardians: {
    setIndex: generated.guardians.setIndex, // the guardian set the devnet's Wormhole core holds
    keys: generated.guardians.keys, // the devnet's guardian keys: VAAs are signed locally instead of fetched
  },
  venue: {
    reporter: generated.venue.reporter, // the address whose EIP-712 signature every position report must carry
    domainName: generated.venue.domainName, // EIP-712 domain name of position reports
  },
  relayer: {
    privateKey: generated.relayer.privateKey, // an anvil key, funded on every chain
    baseDelayMs: 250, // first retry delay, doubling per attempt
    maxDelayMs: 30_000, // longest retry delay
    maxAttempts: 8, // attempts before a command is dead-lettered
  },
  coSigners: {
    urls: generated.coSigners?.urls ?? [], // the co-signer processes `devnet up` started (http://127.0.0.1:8788…)
    threshold: generated.coSigners?.threshold, // signatures MarginHub needs on every command (2 of 3), read from the hub when it answers
    timeoutMs: 10_000, // how long one co-signer may take to answer
  },
  liquidation: {
    receiver: generated.liquidation.receiver, // the account credited with seized collateral inside each vault
    penaltyBps: 100, // liquidation penalty, bps of closed notional
    insuranceFundUsd8: 100_000n * 10n ** 8n, // opening balance of the insurance fund: 100 000 USD, usd8
  },
  node: {
    id: 'devnet-hub', // unique among the nodes sharing the database, stable across restarts
  },
  latency: generated.latency, // route latency seeds and the safety buffers' confidence, as the devnet measured its routes
  margin: generated.margin, // the portfolio engine (`devnet up` has no --margin-mode; `dev --margin-mode` changes it)
  commandTtlSeconds: 3_600, // a command decided and not executed within this is void
  maxPriceAgeSeconds: 3_600, // an older oracle answer is stale and blocks withdrawals
  withdrawalBufferUsd8: 0n, // a flat buffer above initial margin for withdrawals (route buffers replace it)
  api: {
    bodyLimitBytes: 65_536, // larger request bodies get 413
    rateLimit: { windowMs: 60_000, limit: 1_200, whatIfLimit: 30 }, // per client and window
  },
  escape: {
    checkpointIntervalSeconds: 3_600, // how often each vault gets a new root of exit entitlements
  },
})
