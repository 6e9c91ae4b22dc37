import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MarginHub, MarginVault } from '@unimargin/contracts'
import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import pino from 'pino'
import { type Hex, parseEventLogs } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../harness.js'
import { type KillNetwork, LAYERZERO_CHAIN_ID, startKillNetwork } from './network.js'
import { type NodeProcess, type NodeProcessOptions, startNodeProcess, untilHealthy } from './nodeProcess.js'

const BASE_PORT = 45_340
const USDC = 10n ** 6n
/** whole seconds: mining is stopped and restored through evm_setIntervalMining, which takes no fractions */
const BLOCK_TIME_SECONDS = 1

describe('a node SIGKILLed after sending a publish transaction and before recording it', () => {
  let network: KillNetwork
  let nodeOptions: NodeProcessOptions
  let node: NodeProcess | undefined
  const workDir = mkdtempSync(join(tmpdir(), 'unimargin-publish-kill-'))

  beforeAll(async () => {
    network = await startKillNetwork({ basePort: BASE_PORT, blockTimeSeconds: BLOCK_TIME_SECONDS, workDir, logger: pino({ level: 'silent' }) })
    nodeOptions = { configFile: network.configFile, dataDir: join(workDir, 'data'), apiPort: BASE_PORT + 6, shutdownTimeoutSeconds: 15, logFile: join(workDir, 'node.log') }
  }, 180_000)
  afterAll(async () => {
    if (node?.alive()) {
      node.signal('SIGKILL')
      await node.exited
    }
    await network?.stop()
  })

  it('publishes each command once over its transport: the restarted relayer finds the publication on the hub instead of sending it again', { timeout: 300_000 }, async () => {
    const { devnet } = network
    const hub = devnet.chains[0]!
    const wormholeChain = devnet.chains[1]!
    const layerZeroChain = devnet.chain(LAYERZERO_CHAIN_ID)
    const user = { key: devnet.keys.users[1]! as Hex, address: privateKeyToAddress(devnet.keys.users[1]!) }
    const relayer = privateKeyToAddress(devnet.keys.relayer)

    node = startNodeProcess(nodeOptions, 'before the kill')
    expect(await untilHealthy(node, 120_000)).toBe(true)
    await userDeposit(devnet, { chainId: wormholeChain.chainId, key: user.key, symbol: 'USDC', amount: 10_000n * USDC })
    await userDeposit(devnet, { chainId: layerZeroChain.chainId, key: user.key, symbol: 'USDC', amount: 10_000n * USDC })
    await waitFor(
      'both deposits to be credited',
      async () => {
        const res = await fetch(`${node!.apiUrl}/v1/accounts/${user.address}`)
        return res.ok && ((await res.json()) as { collateral: unknown[] }).collateral.length >= 2
      },
      120_000,
    )

    // the hub stops mining: the relayer's publish transactions wait in its mempool, sent and not yet recorded
    await hub.testClient.setIntervalMining({ interval: 0 })
    await hub.testClient.setAutomine(false)
    try {
      await userRequestWithdrawal(devnet, { chainId: wormholeChain.chainId, key: user.key, symbol: 'USDC', amount: 100n * USDC })
      await userRequestWithdrawal(devnet, { chainId: layerZeroChain.chainId, key: user.key, symbol: 'USDC', amount: 100n * USDC })
      const pending = () => hub.testClient.getTxpoolContent().then((p) => Object.entries(p.pending).find(([a]) => a.toLowerCase() === relayer.toLowerCase())?.[1] ?? {})
      await waitFor('both publish transactions (Wormhole and LayerZero) to wait in the hub mempool', async () => Object.keys(await pending()).length >= 2, 120_000)
      node.signal('SIGKILL')
      await node.exited
    } finally {
      await hub.testClient.setIntervalMining({ interval: BLOCK_TIME_SECONDS })
    }

    node = startNodeProcess(nodeOptions, 'after the kill')
    expect(await untilHealthy(node, 120_000)).toBe(true)
    const executionsOn = async (c: typeof hub) =>
      parseEventLogs({ abi: MarginVault.abi, logs: await c.publicClient.getLogs({ address: c.addresses.vault, fromBlock: c.startBlock }), eventName: 'CommandExecuted' })
    const [overWormhole, overLayerZero] = await waitFor(
      'both approvals to execute',
      async () => {
        const found = await Promise.all([wormholeChain, layerZeroChain].map(executionsOn))
        return found.every((f) => f.length > 0) ? found : undefined
      },
      180_000,
    )

    const published = parseEventLogs({ abi: MarginHub.abi, logs: await hub.publicClient.getLogs({ address: devnet.hub.address, fromBlock: hub.startBlock }) })
    const publications = (commandId: Hex) => ({
      wormhole: published.filter((l) => l.eventName === 'CommandPublished' && l.args.commandId === commandId).length,
      layerZero: published.filter((l) => l.eventName === 'CommandSentLz' && l.args.commandId === commandId).length,
    })
    expect(overWormhole).toHaveLength(1)
    expect(overLayerZero).toHaveLength(1)
    expect(publications(overWormhole![0]!.args.commandId)).toEqual({ wormhole: 1, layerZero: 0 })
    expect(publications(overLayerZero![0]!.args.commandId)).toEqual({ wormhole: 0, layerZero: 1 })
  })
})
