import { artifactsHash, MockERC20, MockPriceFeed } from '@unimargin/contracts'
import type { Config, TransportName } from '@unimargin/chains'
import type { Logger } from 'pino'
import { type Account, type Address, type Chain, type Hash, type Hex, type PublicClient, recoverTransactionAddress, type TestClient, type Transport, type TransactionSerialized, type WalletClient } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type DevnetKeys, devnetKeys } from './accounts.js'
import type { Anvil } from './anvil/index.js'
import { chainClients } from './clients.js'
import { buildConfig } from './config.js'
import { type AssetSymbol, type ChainAddresses, DEVNET_TIMELOCK_DELAY_SECONDS } from './deploy/index.js'
import { DeployError, DevnetError } from './errors.js'
import { type ChainSpec, startNetwork } from './network.js'
import { stateKey } from './state/index.js'

/** Options of {@link startDevnet}. */
export interface DevnetOptions {
  /** number of chains; default 3 */
  chains?: number
  /** RPC port of the first chain; chain i listens on basePort + i; default 8545 */
  basePort?: number
  /** interval mining in seconds (fractions such as 0.25 work); undefined = automine (a block per transaction) */
  blockTimeSeconds?: number
  /** number of guardians in set 0; guardian 0 is the standard devnet key; default 1 */
  guardianCount?: number
  /** directory caching the deployed state (keyed by artifacts and options) so later starts skip deployment */
  stateDir?: string
  /**
   * transport of the route hub → chain, by EVM chain id (e.g. `{ 31338: 'layerzero' }`); unnamed chains use
   * Wormhole. Only the config changes: every chain always has both transports deployed.
   */
  routes?: Record<number, TransportName>
  /**
   * minimum delay (seconds) of the TimelockController that owns each chain's vault and the hub and is their
   * LayerZero delegate; default 2 days ({@link DEVNET_TIMELOCK_DELAY_SECONDS}). Owner calls go through
   * `throughTimelock`.
   */
  timelockDelaySeconds?: number
  logger?: Logger
}

/** One chain of a running devnet. */
export interface DevnetChain {
  index: number
  /** `chain-1`, `chain-2`, … */
  name: string
  /** EVM chain id: 31337 + index */
  chainId: number
  /** Wormhole chain id: 10002 + index */
  wormholeChainId: number
  rpcUrl: string
  /** process id of this chain's anvil */
  pid: number
  isHub: boolean
  /** first block after deployment (where watchers start) */
  startBlock: bigint
  addresses: ChainAddresses
  chain: Chain
  publicClient: PublicClient<Transport, Chain>
  /** anvil test actions (mine, snapshot, revert, increaseTime, …) */
  testClient: TestClient<'anvil', Transport, Chain>
  /** the deployer's wallet: owns the feeds, proposes and executes through the timelock that owns the vault and hub */
  walletClient: WalletClient<Transport, Chain, Account>
  /** a wallet signing locally with `privateKey`, e.g. `wallet(devnet.keys.users[0])` */
  wallet(privateKey: Hex): WalletClient<Transport, Chain, Account>
}

/** A running local network. Stop it with {@link Devnet.stop}. */
export interface Devnet {
  /** validated config for the watcher, aggregator and relayer */
  config: Config
  chains: DevnetChain[]
  /** MarginHub on the first chain; `eid` is the hub chain's LayerZero endpoint id */
  hub: { chainId: number; wormholeChainId: number; eid: number; address: Address }
  /** the VaultRegistry on the hub chain (admin: the deployer key) and its deployment block */
  registry: { address: Address; deploymentBlock: bigint }
  keys: DevnetKeys
  /** whether the deployed state was loaded from `stateDir` */
  fromCache: boolean
  /** The chain with EVM id `chainId`. @throws {DevnetError} if there is none. */
  chain(chainId: number): DevnetChain
  /** Sets the USD price (8 decimals) of `symbol` on every chain's feed; resolves once all are mined. */
  setPrice(symbol: AssetSymbol, priceUsd8: bigint): Promise<void>
  /** Mints `amount` base units of `symbol`'s token to `to` on `chainId`; resolves once mined. */
  mint(chainId: number, symbol: AssetSymbol, to: Address, amount: bigint): Promise<void>
  /** Mines `blocks` (default 1) blocks on `chainId`. */
  mine(chainId: number, blocks?: number): Promise<void>
  /**
   * Replaces the last `depth` blocks of `chainId` with as many new ones (`anvil_reorg`). The transactions they held
   * are dropped, except `transactions`: signed raw transactions, each with the index (0..depth-1) of the new block
   * that holds it (a transaction of the reporter's account is left out). Each new block also carries a zero-value
   * transfer of the reporter's account (which sends nothing else) to itself, so that every replaced block gets a new
   * hash: anvil mines a replacement of a block that a reorg made with the very hash of the block it replaces.
   * Resolves once the new branch is the chain's; the head's number is unchanged.
   * @throws {DevnetError} when `depth` is not an integer in 1..head, or when a replaced block kept its hash.
   */
  reorg(chainId: number, depth: number, transactions?: readonly (readonly [Hex, number])[]): Promise<void>
  /** Stops every anvil of this devnet and waits for them to exit. Idempotent. */
  stop(): Promise<void>
}

const BASE_CHAIN_ID = 31337
const BASE_WORMHOLE_CHAIN_ID = 10002

/**
 * Starts a local multi-chain network: one anvil per chain (EVM ids 31337, 31338, …; Wormhole ids 10002, 10003, …),
 * each with a real Wormhole core bridge (guardian set 0 = the local guardians), LayerZero's real EndpointV2 (eid
 * 40101, 40102, …) with SendUln302/ReceiveUln302 wired to every chain (the relayer as the single required DVN and,
 * through our LzWorker, the executor), mock USDC/WETH/WBTC and USD feeds (1, 1600, 21 000), and a MarginVault
 * (an OApp whose peer is the hub) listing the three tokens; MarginHub on the first chain with the relayer as
 * publisher and every vault as its LayerZero peer. Each chain's vault (and the hub) is then owned by a
 * TimelockController, also their LayerZero delegate, with the deployer as proposer and executor; the vaults'
 * guardian is `keys.vaultGuardian`. anvils are killed on {@link Devnet.stop}, on process exit and on SIGINT/SIGTERM.
 * @example
 * const devnet = await startDevnet({ basePort: 18545, stateDir: '.unimargin/devnet' })
 * await devnet.mint(31338, 'USDC', user, 1_000_000_000n)
 * await devnet.stop()
 * @throws {RangeError} for invalid options.
 * @throws {PortInUseError} if a port basePort..basePort+chains-1 is taken.
 * @throws {AnvilStartError} if anvil fails to start. {@link DeployError} if a deployment transaction fails.
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const chainCount = options.chains ?? 3
  const basePort = options.basePort ?? 8545
  const guardianCount = options.guardianCount ?? 1
  const { blockTimeSeconds, logger, stateDir, routes } = options
  const timelockDelaySeconds = options.timelockDelaySeconds ?? DEVNET_TIMELOCK_DELAY_SECONDS
  if (!Number.isInteger(timelockDelaySeconds) || timelockDelaySeconds < 0) throw new RangeError(`timelockDelaySeconds must be a whole number >= 0, got ${timelockDelaySeconds}`)
  if (!Number.isInteger(chainCount) || chainCount < 1 || chainCount > 64) throw new RangeError(`chains must be 1..64, got ${chainCount}`)
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + chainCount > 65_536) throw new RangeError(`basePort ${basePort} out of range`)
  if (blockTimeSeconds !== undefined && !(blockTimeSeconds > 0)) throw new RangeError(`blockTimeSeconds must be > 0, got ${blockTimeSeconds}`)
  const keys = devnetKeys(guardianCount)

  const started = performance.now()
  const specs: ChainSpec[] = Array.from({ length: chainCount }, (_, i) => ({
    index: i,
    name: `chain-${i + 1}`,
    chainId: BASE_CHAIN_ID + i,
    wormholeChainId: BASE_WORMHOLE_CHAIN_ID + i,
    port: basePort + i,
  }))
  // bump `manifest` when what a cached deployment records changes
  const key = stateKey({ artifactsHash, chains: chainCount, guardianCount, timelockDelaySeconds, manifest: 6 })
  const network = await startNetwork({ specs, keys, key, stateDir, blockTimeSeconds, timelockDelaySeconds, logger })
  const anvils: Anvil[] = network.anvils

  const chains: DevnetChain[] = specs.map((s) => {
    const anvil = anvils[s.index]!
    const deployed = network.manifest.chains[s.index]!
    const clients = chainClients({ name: s.name, chainId: s.chainId, rpcUrl: anvil.rpcUrl })
    return {
      index: s.index,
      name: s.name,
      chainId: s.chainId,
      wormholeChainId: s.wormholeChainId,
      rpcUrl: anvil.rpcUrl,
      pid: anvil.pid,
      isHub: s.index === 0,
      startBlock: BigInt(deployed.startBlock),
      addresses: deployed.addresses,
      chain: clients.chain,
      publicClient: clients.publicClient,
      testClient: clients.testClient,
      walletClient: clients.wallet(keys.deployer),
      wallet: clients.wallet,
    }
  })
  const config = buildConfig({
    chains: chains.map((c) => ({ ...c, startBlock: c.startBlock })),
    hub: network.manifest.hub,
    registry: { address: network.manifest.registry.address, startBlock: BigInt(network.manifest.registry.deploymentBlock) },
    keys,
    blockTimeMs: blockTimeSeconds === undefined ? 250 : Math.max(1, Math.round(blockTimeSeconds * 1000)),
    routes,
  })
  logger?.info(
    { chains: chainCount, base_port: basePort, from_cache: network.fromCache, duration: Math.round(performance.now() - started) },
    'Started devnet',
  )

  // The deployer sends from several helpers; one transaction at a time per chain keeps its nonces in order.
  const queues = new Map<number, Promise<unknown>>()
  const serial = <T>(chainId: number, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(chainId) ?? Promise.resolve()).catch(() => undefined).then(fn)
    queues.set(chainId, next)
    return next
  }
  const chain = (chainId: number): DevnetChain => {
    const c = chains.find((x) => x.chainId === chainId)
    if (!c) throw new DevnetError(`No devnet chain with id ${chainId} (have ${chains.map((x) => x.chainId).join(', ')}).`, { chainId })
    return c
  }
  const sendAndWait = async (c: DevnetChain, what: string, send: () => Promise<Hash>): Promise<void> => {
    const hash = await serial(c.chainId, send)
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
    if (receipt.status !== 'success') throw new DeployError(`${what} reverted on chain ${c.chainId} (tx ${hash}).`, { hash })
  }
  let stopping: Promise<void> | undefined

  return {
    config,
    chains,
    hub: { chainId: chains[0]!.chainId, wormholeChainId: chains[0]!.wormholeChainId, eid: chains[0]!.addresses.layerzero.eid, address: network.manifest.hub },
    registry: { address: network.manifest.registry.address, deploymentBlock: BigInt(network.manifest.registry.deploymentBlock) },
    keys,
    fromCache: network.fromCache,
    chain,
    async setPrice(symbol, priceUsd8) {
      await Promise.all(
        chains.map((c) =>
          sendAndWait(c, `setPrice ${symbol}`, () =>
            c.walletClient.writeContract({ address: c.addresses.feeds[symbol], abi: MockPriceFeed.abi, functionName: 'updateAnswer', args: [priceUsd8] }),
          ),
        ),
      )
    },
    async mint(chainId, symbol, to, amount) {
      const c = chain(chainId)
      await sendAndWait(c, `mint ${symbol}`, () =>
        c.walletClient.writeContract({ address: c.addresses.tokens[symbol], abi: MockERC20.abi, functionName: 'mint', args: [to, amount] }),
      )
    },
    async mine(chainId, blocks = 1) {
      await chain(chainId).testClient.mine({ blocks })
    },
    reorg: (chainId, depth, transactions = []) =>
      serial(chainId, async () => {
        const c = chain(chainId)
        const head = await c.publicClient.getBlockNumber({ cacheTime: 0 })
        if (!Number.isInteger(depth) || depth < 1 || BigInt(depth) > head)
          throw new DevnetError(`Reorg depth must be an integer in 1..${head} on chain ${chainId}, got ${depth}.`, { chainId, depth })
        const numbers = Array.from({ length: depth }, (_, i) => head - BigInt(depth) + 1n + BigInt(i))
        const before = await Promise.all(numbers.map((n) => c.publicClient.getBlock({ blockNumber: n })))
        const marker = privateKeyToAddress(keys.reporter)
        // an earlier reorg's marker is not mined again: the new markers take the reporter's nonces
        const kept: (readonly [Hex, number])[] = []
        for (const [raw, index] of transactions)
          if ((await recoverTransactionAddress({ serializedTransaction: raw as TransactionSerialized })) !== marker) kept.push([raw, index])
        const marks = numbers.map((_, i) => [{ from: marker, to: marker, value: '0x0' }, i] as const)
        await c.testClient.request({ method: 'anvil_reorg', params: [depth, [...kept, ...marks]] } as never)
        for (const old of before) {
          const now = await c.publicClient.getBlock({ blockNumber: old.number })
          if (now.hash === old.hash) throw new DevnetError(`Block ${old.number} of chain ${chainId} kept its hash through a reorg of depth ${depth}.`, { chainId, depth })
        }
      }),
    stop() {
      stopping ??= Promise.all(anvils.map((a) => a.stop())).then(() => logger?.info({ chains: chainCount }, 'Stopped devnet'))
      return stopping
    },
  }
}
