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
import { launchNode, type NodeProcess, type NodeProcessOptions, untilHealthy } from './nodeProcess.js'

const BASE_PORT = 45_340
/** the node's API, below the ephemeral port range so no outgoing connection can hold it across the restart */
const API_PORT = 29_346
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
    nodeOptions = { configFile: network.configFile, dataDir: join(workDir, 'data'), apiPort: API_PORT, shutdownTimeoutSeconds: 15, logFile: join(workDir, 'node.log') }
  }, 180_000)
  afterAll(async () => {
    if (node?.alive()) {
      node.signal('SIGKILL')
      await node.exited
    }
    await network?.stop()
  })

  it('publishes each command once per transport: the restarted relayer finds what the killed one sent on the hub instead of sending it again', { timeout: 300_000 }, async () => {
    const { devnet } = network
    const hub = devnet.chains[0]!
    const wormholeChain = devnet.chains[1]!
    const layerZeroChain = devnet.chain(LAYERZERO_CHAIN_ID)
    const user = { key: devnet.keys.users[1]! as Hex, address: privateKeyToAddress(devnet.keys.users[1]!) }
    const relayer = privateKeyToAddress(devnet.keys.relayer)

    node = await launchNode(nodeOptions, 'before the kill', (n) => untilHealthy(n, 120_000), (n) => {
      node = n
    })
    await userDeposit(devnet, { chainId: wormholeChain.chainId, key: user.key, symbol: 'USDC', amount: 200_000n * USDC })
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
    const requests: { name: string; chain: typeof hub; requestId: bigint; publications: { wormhole: number; layerZero: number } }[] = []
    await hub.testClient.setIntervalMining({ interval: 0 })
    await hub.testClient.setAutomine(false)
    try {
      const request = async (name: string, chain: typeof hub, usdc: bigint, publications: { wormhole: number; layerZero: number }) => {
        const { requestId } = await userRequestWithdrawal(devnet, { chainId: chain.chainId, key: user.key, symbol: 'USDC', amount: usdc * USDC })
        requests.push({ name, chain, requestId, publications })
      }
      await request('an approval over Wormhole', wormholeChain, 100n, { wormhole: 1, layerZero: 0 })
      await request('an approval over LayerZero', layerZeroChain, 100n, { wormhole: 0, layerZero: 1 })
      // above the vault's two-transport threshold (50 000 USD): its Wormhole copy is published first, beside the LayerZero one
      await request('an approval over both transports', wormholeChain, 60_000n, { wormhole: 1, layerZero: 1 })
      const pending = async () => {
        const pool = await hub.testClient.getTxpoolContent()
        return Object.keys(Object.entries(pool.pending).find(([a]) => a.toLowerCase() === relayer.toLowerCase())?.[1] ?? {}).length
      }
      await waitFor('the three publish transactions to wait in the hub mempool', async () => (await pending()) >= 3, 120_000)
      node.signal('SIGKILL')
      await node.exited
    } finally {
      await hub.testClient.setIntervalMining({ interval: BLOCK_TIME_SECONDS })
    }

    node = await launchNode(nodeOptions, 'after the kill', (n) => untilHealthy(n, 120_000), (n) => {
      node = n
    })
    const vaultLogs = async (c: typeof hub) => parseEventLogs({ abi: MarginVault.abi, logs: await c.publicClient.getLogs({ address: c.addresses.vault, fromBlock: c.startBlock }) })
    /** the command that paid each request: the CommandExecuted in the transaction of its WithdrawalExecuted */
    const payers = async () =>
      Promise.all(
        requests.map(async (r) => {
          const logs = await vaultLogs(r.chain)
          const paid = logs.find((l) => l.eventName === 'WithdrawalExecuted' && l.args.requestId === r.requestId)
          const by = paid && logs.find((l) => l.eventName === 'CommandExecuted' && l.transactionHash === paid.transactionHash)
          return by?.eventName === 'CommandExecuted' ? by.args.commandId : undefined
        }),
      )
    const commandIds = await waitFor('the three withdrawals to be paid', async () => ((await payers()).every(Boolean) ? ((await payers()) as Hex[]) : undefined), 180_000)

    const published = parseEventLogs({ abi: MarginHub.abi, logs: await hub.publicClient.getLogs({ address: devnet.hub.address, fromBlock: hub.startBlock }) })
    const seen = await Promise.all(
      requests.map(async (r, i) => {
        const id = commandIds[i]!
        return {
          request: r.name,
          executions: (await vaultLogs(r.chain)).filter((l) => l.eventName === 'CommandExecuted' && l.args.commandId === id).length,
          wormhole: published.filter((l) => l.eventName === 'CommandPublished' && l.args.commandId === id).length,
          layerZero: published.filter((l) => l.eventName === 'CommandSentLz' && l.args.commandId === id).length,
        }
      }),
    )
    expect(seen).toEqual(requests.map((r) => ({ request: r.name, executions: 1, ...r.publications })))
  })
})
