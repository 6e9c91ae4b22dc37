import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Hex } from 'viem'
import { type Anvil, startAnvil } from './anvil/index.js'
import { chainClients } from './clients.js'
import { type ChainAddresses, DEVNET_BASE_EID, DEVNET_DUAL_TRANSPORT_ABOVE_USD, deployChain, deployRegistry, expectedHubAddress, handOverToTimelock, setDualTransportThresholds, setHubPeers } from './deploy/index.js'
import { decodeDump, type Manifest, readManifest, statePaths, writeState } from './state/index.js'
import { privateKeyToAddress } from 'viem/accounts'
import { DEVNET_COSIGNER_DELAY_SECONDS, DEVNET_COSIGNER_THRESHOLD, type DevnetKeys } from './accounts.js'

/** Block confirmations the devnet's ULN configs require of the DVN (the config's hub finality depth). */
export const LZ_CONFIRMATIONS = 2

/** Where one chain of the devnet lives. */
export interface ChainSpec {
  index: number
  name: string
  chainId: number
  wormholeChainId: number
  port: number
}

/** A started and deployed network: the processes plus what was deployed. */
export interface Network {
  anvils: Anvil[]
  manifest: Manifest
  /** whether the state came from the cache */
  fromCache: boolean
}

/**
 * Brings up one anvil per spec with every contract deployed: from `stateDir`'s cache when it holds `key`, else
 * by deploying on fresh automining anvils (in parallel) and caching the result. With a block time, the chains
 * are deployed on automine and restarted from their state with interval mining, since anvil's RPC only takes
 * whole seconds.
 * @throws {PortInUseError} {AnvilStartError} {DeployError}; every anvil already started is stopped first.
 */
export async function startNetwork(params: {
  specs: ChainSpec[]
  keys: DevnetKeys
  key: string
  stateDir?: string
  blockTimeSeconds?: number
  /** minimum delay of each chain's timelock, seconds */
  timelockDelaySeconds: number
  logger?: Logger
}): Promise<Network> {
  const { specs, keys, key, stateDir, blockTimeSeconds, timelockDelaySeconds, logger } = params
  const cached = stateDir ? readManifest(stateDir, key) : undefined
  if (cached && stateDir) {
    const anvils = await startAll(specs, (s) => ({ port: s.port, chainId: s.chainId, blockTimeSeconds, loadState: statePaths(stateDir, key).chain(s.index) }))
    logger?.info({ key, chains: specs.length }, 'Loaded devnet state from cache')
    return { anvils, manifest: cached, fromCache: true }
  }

  let anvils = await startAll(specs, (s) => ({ port: s.port, chainId: s.chainId }))
  try {
    const started = performance.now()
    const hub = expectedHubAddress(privateKeyToAddress(keys.deployer))
    const guardians = keys.guardians.map((k) => privateKeyToAddress(k))
    const hubSpec = specs[0]!
    const eids = specs.map((s) => DEVNET_BASE_EID + s.index)
    const configured = await Promise.all(
      specs.map(async (s, i) => {
        const clients = chainClients({ name: s.name, chainId: s.chainId, rpcUrl: anvils[i]!.rpcUrl })
        const ctx = { publicClient: clients.publicClient, walletClient: clients.wallet(keys.deployer) }
        // Watchers start at the first deployment block so they see the feeds' initial answers.
        const firstBlock = (await clients.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
        const { addresses } = await deployChain(ctx, {
          guardians,
          wormholeChainId: s.wormholeChainId,
          hubWormholeChainId: hubSpec.wormholeChainId,
          hubAddress: hub,
          isHub: i === 0,
          relayer: privateKeyToAddress(keys.relayer),
          coSigners: { signers: keys.coSigners.map((k) => privateKeyToAddress(k)), threshold: DEVNET_COSIGNER_THRESHOLD, delaySeconds: BigInt(DEVNET_COSIGNER_DELAY_SECONDS) },
          eid: eids[i]!,
          hubEid: eids[0]!,
          remoteEids: eids,
          lzConfirmations: LZ_CONFIRMATIONS,
        })
        // after every fixed-nonce deployment (MarginHub's address is derived from the deployer's nonce), and before
        // the vault's ownership moves to the timelock
        await setDualTransportThresholds(ctx, addresses.vault, addresses.tokens, DEVNET_DUAL_TRANSPORT_ABOVE_USD)
        return { chainId: s.chainId, wormholeChainId: s.wormholeChainId, addresses, startBlock: String(firstBlock), ctx }
      }),
    )
    const hubClients = chainClients({ name: hubSpec.name, chainId: hubSpec.chainId, rpcUrl: anvils[0]!.rpcUrl })
    await setHubPeers({ publicClient: hubClients.publicClient, walletClient: hubClients.wallet(keys.deployer) }, hub, configured.map((c) => ({ eid: c.addresses.layerzero.eid, vault: c.addresses.vault })))
    const deployedChains = await Promise.all(
      configured.map(async ({ ctx, addresses, ...c }) => {
        const { timelock } = await handOverToTimelock(ctx, {
          minDelaySeconds: timelockDelaySeconds,
          operator: ctx.walletClient.account.address,
          vault: addresses.vault,
          hub: addresses.hub,
          endpoint: addresses.layerzero.endpoint,
          guardian: privateKeyToAddress(keys.vaultGuardian),
        })
        const all: ChainAddresses = { ...addresses, timelock }
        return { ...c, addresses: all }
      }),
    )
    const registry = await deployRegistry({ publicClient: hubClients.publicClient, walletClient: hubClients.wallet(keys.deployer) }, privateKeyToAddress(keys.deployer))
    const manifest: Manifest = { key, chains: deployedChains, hub, registry: { address: registry.address, deploymentBlock: String(registry.deploymentBlock) } }
    logger?.info({ chains: specs.length, duration: Math.round(performance.now() - started) }, 'Deployed devnet contracts')

    if (!stateDir && blockTimeSeconds === undefined) return { anvils, manifest, fromCache: false }
    const dumps = await Promise.all(
      anvils.map((a, i) => chainClients({ name: specs[i]!.name, chainId: a.chainId, rpcUrl: a.rpcUrl }).testClient.dumpState()),
    )
    if (stateDir) writeState(stateDir, manifest, dumps)
    if (blockTimeSeconds === undefined) return { anvils, manifest, fromCache: false }

    await Promise.all(anvils.map((a) => a.stop()))
    anvils = []
    const files = stateDir ? specs.map((s) => statePaths(stateDir, key).chain(s.index)) : tempStateFiles(dumps)
    try {
      anvils = await startAll(specs, (s) => ({ port: s.port, chainId: s.chainId, blockTimeSeconds, loadState: files[s.index]! }))
    } finally {
      if (!stateDir) rmSync(join(files[0]!, '..'), { recursive: true, force: true })
    }
    return { anvils, manifest, fromCache: false }
  } catch (error) {
    await Promise.all(anvils.map((a) => a.stop()))
    throw error
  }
}

/** Starts every anvil in parallel; if any fails, stops the others and rethrows the first failure. */
async function startAll(specs: ChainSpec[], options: (s: ChainSpec) => Parameters<typeof startAnvil>[0]): Promise<Anvil[]> {
  const results = await Promise.allSettled(specs.map((s) => startAnvil(options(s))))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)))
    throw failed.reason
  }
  return results.map((r) => (r as PromiseFulfilledResult<Anvil>).value)
}

function tempStateFiles(dumps: Hex[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'unimargin-devnet-'))
  return dumps.map((d, i) => {
    const file = join(dir, `chain-${i}.json`)
    writeFileSync(file, decodeDump(d))
    return file
  })
}

