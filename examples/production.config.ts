// A hub node's configuration for three mainnets, every field commented. Load it with
// `unimargin start -c examples/production.config.ts`. Secrets are never written here: `env('NAME')` reads the
// environment (or `.env` beside this file, see `.env.example`), `keystore(file, 'PASSPHRASE_VARIABLE')` decrypts an
// Ethereum keystore. Addresses marked "your deployment" are the contracts you deployed; the others are the public
// Wormhole and LayerZero deployments (check them against https://wormhole.com/docs and https://docs.layerzero.network).
import { defineConfig, env, keystore } from '@unimargin/chains'

const ZERO = '0x0000000000000000000000000000000000000000' // replace every use with your deployment's address
const LZ_ENDPOINT_V2 = '0x1a44076050125825900e736c501f859c50fE728c' // EndpointV2, the same address on these chains

export default defineConfig({
  // not a local devnet: private keys below must come from the environment or a keystore
  devnet: false,
  hub: {
    chainId: 1, // the chain MarginHub runs on (here Ethereum)
    address: ZERO, // MarginHub (your deployment)
    consistencyLevel: 1, // Wormhole consistency level of MarginHub's messages (1 = finalized on Ethereum)
  },
  chains: [
    {
      name: 'ethereum', // the label of this chain in logs, metrics and errors
      chainId: 1, // EVM chain id
      wormholeChainId: 2, // Wormhole's id of the chain
      rpcUrl: env('ETHEREUM_RPC_URL'), // a provider URL usually carries an API key: keep it in the environment
      fallbackRpcUrls: [env('ETHEREUM_RPC_URL_2'), env('ETHEREUM_RPC_URL_3')], // other providers, not sharing infrastructure
      rankRpcUrls: true, // order the providers by measured latency and stability
      quorum: 2, // 2 of the 3 providers must agree on a range's block hash and logs before anything is credited
      finality: 'finalized', // credit only blocks of a finalized checkpoint (or 'safe', or 'confirmations')
      confirmations: 2, // used only with finality: 'confirmations'
      blockTimeMs: 12_000, // polling cadence
      maxLogRange: 1_000, // largest eth_getLogs range, blocks
      startBlock: 0n, // the vault's deployment block
      wormhole: '0x98f3c9e6E3fAce36bAAd05FE09d375Ef1464288B', // Wormhole core on Ethereum
      vault: ZERO, // MarginVault (your deployment)
      layerzero: {
        eid: 30101, // LayerZero endpoint id of Ethereum
        endpoint: LZ_ENDPOINT_V2,
        sendLib: ZERO, // SendUln302 on Ethereum (LayerZero's deployments list)
        receiveLib: ZERO, // ReceiveUln302 on Ethereum
        worker: ZERO, // the executor/DVN fee contract SendUln302 quotes
        delivery: 'watch', // LayerZero's DVNs and executor deliver; the relayer follows the endpoint
      },
      dualTransportAboveUsd: 250_000, // approvals and seizes from 250 000 USD need both Wormhole and LayerZero
      assets: [
        {
          symbol: 'USDC', // the symbol shared across chains, also the feed's underlying
          address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', // USDC on Ethereum
          decimals: 6,
          feed: ZERO, // a Chainlink-compatible USD feed (8 decimals) for USDC
          feedDecimals: 8,
          haircutBps: 200, // 2% of market value off the collateral's worth
        },
        {
          symbol: 'ETH',
          address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', // WETH on Ethereum
          decimals: 18,
          feed: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419', // Chainlink ETH / USD on Ethereum
          haircutBps: 1000, // linear and tiered modes; portfolio mode uses the IM/MM haircuts of a risk-cancelling asset
        },
      ],
    },
    {
      name: 'arbitrum',
      chainId: 42161,
      wormholeChainId: 23,
      rpcUrl: env('ARBITRUM_RPC_URL'),
      fallbackRpcUrls: [env('ARBITRUM_RPC_URL_2')],
      quorum: 1, // trust the first provider that answers (add providers and raise it for large vaults)
      finality: 'finalized', // on Arbitrum, a block whose batch is finalized on Ethereum
      blockTimeMs: 250,
      maxLogRange: 10_000,
      startBlock: 0n,
      wormhole: '0xa5f208e072434bC67592E4C49C1B991BA79BCA46', // Wormhole core on Arbitrum
      vault: ZERO, // MarginVault (your deployment)
      assets: [
        { symbol: 'USDC', address: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', decimals: 6, feed: ZERO, haircutBps: 200 },
        { symbol: 'ETH', address: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1', decimals: 18, feed: ZERO, haircutBps: 1000 },
      ],
    },
  ],
  routes: [
    { chainId: 1, transport: 'wormhole' }, // hub → Ethereum vault
    { chainId: 42161, transport: 'wormhole' }, // hub → Arbitrum vault
  ],
  markets: [
    // initial / maintenance margin fractions of notional for the linear model (bps); portfolio mode uses margin.*
    { symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500 },
  ],
  guardians: {
    apiUrl: 'https://api.wormholescan.io', // where signed VAAs are fetched (no local guardian keys outside a devnet)
  },
  venue: {
    reporter: ZERO, // the address whose EIP-712 signature every position report must carry (the venue's)
    domainName: 'Unimargin', // EIP-712 domain name of position reports
  },
  relayer: {
    privateKey: keystore('keys/relayer.json', 'RELAYER_KEYSTORE_PASSPHRASE'), // pays for publications and deliveries
    baseDelayMs: 250, // first retry delay, doubling per attempt
    maxDelayMs: 30_000, // longest retry delay
    maxAttempts: 8, // attempts before a command is dead-lettered
  },
  coSigners: {
    urls: ['https://cosigner-1.example.org', 'https://cosigner-2.example.org', 'https://cosigner-3.example.org'],
    threshold: 2, // signatures MarginHub needs on every command
    timeoutMs: 10_000, // how long one co-signer may take to answer
  },
  liquidation: {
    receiver: ZERO, // the account credited with seized collateral inside each vault
    penaltyBps: 100, // liquidation penalty, bps of closed notional
    insuranceFundUsd8: 0n, // opening balance of the insurance fund, usd8
  },
  node: {
    id: 'hub-1', // unique among the nodes sharing the database, stable across restarts
  },
  latency: {
    z: 2.33, // one-sided 99% confidence multiplier of the safety buffers
    windowSize: 200, // route latency samples kept per route
    minSamples: 20, // samples before a route's measured latency replaces its seed
    maxSampleAgeSeconds: 86_400, // older samples are dropped
    attestationMs: 15_000, // guardian attestation time assumed before samples exist
  },
  commandTtlSeconds: 3_600, // a command decided and not executed within this is void
  maxPriceAgeSeconds: 3_600, // an older oracle answer is stale and blocks withdrawals
  withdrawalBufferUsd8: 0n, // a flat buffer above initial margin for withdrawals (route buffers replace it)
  api: {
    bodyLimitBytes: 65_536, // larger request bodies get 413
    rateLimit: { windowMs: 60_000, limit: 1_200, whatIfLimit: 30 }, // per client and window
    // account views kept in memory: the 10 000 most recently active computed at start and after each price; a view's
    // parts that move without a change of the account are recomputed after 5 s, at most 50 views a second; none is
    // served older than 10 minutes
    views: { maxEntries: 100_000, warm: 10_000, maxAgeMs: 5_000, refreshPerSecond: 50, maxStaleMs: 600_000 },
  },
  escape: {
    checkpointIntervalSeconds: 3_600, // how often each vault gets a new root of exit entitlements
  },
})
