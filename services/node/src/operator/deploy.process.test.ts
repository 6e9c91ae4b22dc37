import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { LzEndpointV2, LzReceiveUln302, LzSendUln302, MarginHub, MarginVault } from '@unimargin/contracts'
import type { DeployRow, DeploymentSpecInput, WireRow } from '@unimargin/deploy'
import { anvilKey, type BaseNetwork, startBaseNetwork } from '@unimargin/devnet'
import { type Address, createPublicClient, createTestClient, encodeFunctionData, getAddress, http, pad } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url))
const run = promisify(execFile)
const BASE_PORT = 46300
const deployerKey = anvilKey(5)
const deployer = privateKeyToAddress(deployerKey)
const bytes32 = (a: Address) => pad(a.toLowerCase() as Address, { size: 32 })

/** Runs `unimargin <args> --json` as a child process; resolves with its exit code and parsed rows. */
async function unimargin<T>(...args: string[]): Promise<{ code: number; rows: T[]; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', bin, ...args, '--json'], {
      env: { ...process.env, UNIMARGIN_TEST_DEPLOYER_KEY: deployerKey },
      maxBuffer: 16 * 1024 * 1024,
    })
    return { code: 0, rows: JSON.parse(stdout) as T[], stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, rows: e.stdout ? (JSON.parse(e.stdout) as T[]) : [], stderr: e.stderr }
  }
}

/** The spec of a base network: hub on chain-1, a vault per chain listing USDC and ETH; vault owners default to the deployer. */
function specOf(network: BaseNetwork, o: { usdcThresholdChain2: string; vaultOwnerChain2?: Address }): DeploymentSpecInput {
  return {
    network: 'local-test',
    deployer: { privateKey: { $env: 'UNIMARGIN_TEST_DEPLOYER_KEY' } },
    hub: {
      chain: 'chain-1',
      publishers: [privateKeyToAddress(anvilKey(1))],
      coSigners: { signers: [11, 12, 13].map((i) => privateKeyToAddress(anvilKey(i))), threshold: 2, delaySeconds: 3600 },
    },
    chains: network.chains.map((c, i) => ({
      name: c.name,
      chainId: c.chainId,
      rpcUrl: c.rpcUrl,
      wormhole: { core: c.wormhole, chainId: c.wormholeChainId },
      layerzero: {
        eid: c.layerzero.eid,
        endpoint: c.layerzero.endpoint,
        sendLibrary: c.layerzero.sendLib,
        receiveLibrary: c.layerzero.receiveLib,
        uln: { confirmations: 2, requiredDVNs: [c.layerzero.worker] },
        executor: { address: c.layerzero.worker },
      },
      vault: {
        escapeDelaySeconds: 7 * 86_400,
        guardian: privateKeyToAddress(anvilKey(10)),
        requestTimeoutSeconds: 7200,
        owner: i === 1 ? o.vaultOwnerChain2 : undefined,
        assets: [
          { symbol: 'USDC', address: c.tokens.USDC, dualTransportThreshold: i === 1 ? o.usdcThresholdChain2 : '50000000000' },
          { symbol: 'ETH', address: c.tokens.ETH },
        ],
      },
    })),
}
}

describe('unimargin deploy and wire on a fresh devnet', () => {
  let network: BaseNetwork
  let dir: string
  let specFile: string
  const clients = () => network.chains.map((c) => createPublicClient({ transport: http(c.rpcUrl) }))
  const nonces = () => Promise.all(clients().map((c) => c.getTransactionCount({ address: deployer })))

  const spec = (usdcThresholdChain2: string) => specOf(network, { usdcThresholdChain2 })

  beforeAll(async () => {
    network = await startBaseNetwork({ basePort: BASE_PORT, chains: 2 })
    dir = mkdtempSync(join(tmpdir(), 'unimargin-deploy-'))
    specFile = join(dir, 'deploy.json')
    writeFileSync(specFile, JSON.stringify(spec('50000000000'), null, 2))
  })
  afterAll(async () => {
    await network?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('deploys once, wires once, sends nothing on a re-run, and sends exactly a changed limit', async () => {
    const stateFile = join(dir, 'deployments', 'local-test.json')

    // the plan: nothing sent, nothing recorded
    const plan = await unimargin<DeployRow>('deploy', '--config', specFile, '--dry-run')
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.rows.map((r) => [r.step, r.status])).toEqual([
      ['hub', 'would deploy'],
      ['vault:chain-1', 'would deploy'],
      ['vault:chain-2', 'would deploy'],
    ])
    expect(existsSync(stateFile)).toBe(false)
    expect(await nonces()).toEqual([0, 0])

    const first = await unimargin<DeployRow>('deploy', '--config', specFile)
    expect(first.code, first.stderr).toBe(0)
    expect(first.rows.map((r) => r.status)).toEqual(['deployed', 'deployed', 'deployed'])
    // the dry run predicted the addresses
    expect(first.rows.map((r) => r.address)).toEqual(plan.rows.map((r) => r.address))
    const [hubRow, vault1Row, vault2Row] = first.rows as [DeployRow, DeployRow, DeployRow]
    const [c1, c2] = clients() as [ReturnType<typeof clients>[number], ReturnType<typeof clients>[number]]
    for (const [client, address] of [
      [c1, hubRow.address],
      [c1, vault1Row.address],
      [c2, vault2Row.address],
    ] as const)
      expect((await client.getCode({ address }))?.length).toBeGreaterThan(2)
    expect(existsSync(stateFile)).toBe(true)

    const wired = await unimargin<WireRow>('wire', '--config', specFile)
    expect(wired.code, wired.stderr).toBe(0)
    expect(wired.rows.filter((r) => r.status !== 'sent' && r.status !== 'ok')).toEqual([])
    const sent = wired.rows.filter((r) => r.status === 'sent')
    expect(sent.length).toBeGreaterThan(10)
    // wiring on-chain matches the spec
    const [eid1, eid2] = network.chains.map((c) => c.layerzero.eid) as [number, number]
    const [lz1, lz2] = network.chains.map((c) => c.layerzero) as [BaseNetwork['chains'][0]['layerzero'], BaseNetwork['chains'][0]['layerzero']]
    expect(await c1.readContract({ address: hubRow.address, abi: MarginHub.abi, functionName: 'peers', args: [eid2] })).toBe(bytes32(vault2Row.address))
    expect(await c1.readContract({ address: hubRow.address, abi: MarginHub.abi, functionName: 'peers', args: [eid1] })).toBe(bytes32(vault1Row.address))
    expect(await c1.readContract({ address: lz1.endpoint, abi: LzEndpointV2.abi, functionName: 'getSendLibrary', args: [hubRow.address, eid2] })).toBe(lz1.sendLib)
    expect(await c1.readContract({ address: lz1.endpoint, abi: LzEndpointV2.abi, functionName: 'isDefaultSendLibrary', args: [hubRow.address, eid2] })).toBe(false)
    const sendUln = await c1.readContract({ address: lz1.sendLib, abi: LzSendUln302.abi, functionName: 'getAppUlnConfig', args: [hubRow.address, eid2] })
    expect({ confirmations: sendUln.confirmations, dvns: sendUln.requiredDVNs }).toEqual({ confirmations: 2n, dvns: [lz1.worker] })
    expect(await c1.readContract({ address: lz1.sendLib, abi: LzSendUln302.abi, functionName: 'executorConfigs', args: [hubRow.address, eid2] })).toEqual([10_000, lz1.worker])
    expect(await c2.readContract({ address: lz2.endpoint, abi: LzEndpointV2.abi, functionName: 'getReceiveLibrary', args: [vault2Row.address, eid1] })).toEqual([lz2.receiveLib, false])
    const receiveUln = await c2.readContract({ address: lz2.receiveLib, abi: LzReceiveUln302.abi, functionName: 'getAppUlnConfig', args: [vault2Row.address, eid1] })
    expect({ confirmations: receiveUln.confirmations, dvns: receiveUln.requiredDVNs }).toEqual({ confirmations: 2n, dvns: [lz2.worker] })
    const vault2 = { address: vault2Row.address, abi: MarginVault.abi } as const
    expect(await c2.readContract({ ...vault2, functionName: 'hubEmitter' })).toBe(bytes32(hubRow.address))
    expect(await c2.readContract({ ...vault2, functionName: 'isAssetSupported', args: [network.chains[1]!.tokens.ETH] })).toBe(true)
    expect(await c2.readContract({ ...vault2, functionName: 'dualTransportThreshold', args: [network.chains[1]!.tokens.USDC] })).toBe(50_000_000_000n)
    expect(await c2.readContract({ ...vault2, functionName: 'requestTimeoutSeconds' })).toBe(7200n)
    expect(getAddress(await c2.readContract({ ...vault2, functionName: 'guardian' }))).toBe(privateKeyToAddress(anvilKey(10)))

    // re-runs: nothing deployed, nothing sent
    const before = await nonces()
    const again = await unimargin<DeployRow>('deploy', '--config', specFile)
    expect(again.code, again.stderr).toBe(0)
    expect(again.rows.map((r) => [r.status, r.address])).toEqual(first.rows.map((r) => ['already there', r.address]))
    const rewired = await unimargin<WireRow>('wire', '--config', specFile)
    expect(rewired.code, rewired.stderr).toBe(0)
    expect(rewired.rows.length).toBe(wired.rows.length)
    expect(rewired.rows.every((r) => r.status === 'ok')).toBe(true)
    expect(await nonces()).toEqual(before)

    // one wanted value changes: the dry run shows it alone, the wire sends it alone
    writeFileSync(specFile, JSON.stringify(spec('60000000000'), null, 2))
    const diff = await unimargin<WireRow>('wire', '--config', specFile, '--dry-run')
    expect(diff.rows.filter((r) => r.status !== 'ok').map((r) => [r.chain, r.setting, r.current, r.wanted, r.status])).toEqual([
      ['chain-2', 'dualTransportThreshold(USDC)', '50000000000', '60000000000', 'would send'],
    ])
    expect(await nonces()).toEqual(before)
    const changed = await unimargin<WireRow>('wire', '--config', specFile)
    expect(changed.code, changed.stderr).toBe(0)
    expect(changed.rows.filter((r) => r.status !== 'ok').map((r) => [r.chain, r.setting, r.status])).toEqual([['chain-2', 'dualTransportThreshold(USDC)', 'sent']])
    expect(await nonces()).toEqual([before[0], before[1]! + 1])
    expect(await c2.readContract({ ...vault2, functionName: 'dualTransportThreshold', args: [network.chains[1]!.tokens.USDC] })).toBe(60_000_000_000n)
  }, 300_000)
})

describe('unimargin deploy after a crash, and wire once the deployer is no longer the owner', () => {
  let network: BaseNetwork
  let dir: string
  beforeAll(async () => {
    network = await startBaseNetwork({ basePort: BASE_PORT + 10, chains: 2 })
    dir = mkdtempSync(join(tmpdir(), 'unimargin-deploy-resume-'))
  })
  afterAll(async () => {
    await network?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('adopts the hub a killed deploy had sent instead of deploying it twice', async () => {
    const specFile = join(dir, 'deploy.json')
    const stateFile = join(dir, 'deployments', 'local-test.json')
    writeFileSync(specFile, JSON.stringify(specOf(network, { usdcThresholdChain2: '1' }), null, 2))
    const hubChain = createTestClient({ mode: 'anvil', transport: http(network.chains[0]!.rpcUrl) })
    const hubPublic = createPublicClient({ transport: http(network.chains[0]!.rpcUrl) })
    // the hub's creation waits in the mempool while the deploy is killed
    await hubChain.setAutomine(false)
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'deploy', '--config', specFile], {
      env: { ...process.env, UNIMARGIN_TEST_DEPLOYER_KEY: deployerKey },
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const pendingHub = async () => {
      for (let i = 0; i < 600; i++) {
        if (existsSync(stateFile)) {
          const hub = (JSON.parse(readFileSync(stateFile, 'utf8')) as { contracts: Record<string, { status: string; txHash?: string; address: Address }> }).contracts.hub
          if (hub?.txHash) return hub
        }
        await sleep(100)
      }
      throw new Error('the deploy never recorded the hub creation')
    }
    const hub = await pendingHub()
    child.kill('SIGKILL')
    await exited
    expect(hub.status).toBe('pending')
    await hubChain.mine({ blocks: 1 })
    await hubChain.setAutomine(true)

    const resumed = await unimargin<DeployRow>('deploy', '--config', specFile)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.rows.map((r) => [r.step, r.status])).toEqual([
      ['hub', 'resumed'],
      ['vault:chain-1', 'deployed'],
      ['vault:chain-2', 'deployed'],
    ])
    expect(resumed.rows[0]!.address).toBe(hub.address)
    // one hub creation and one vault creation on the hub chain, nothing sent twice
    expect(await hubPublic.getTransactionCount({ address: deployer })).toBe(2)
  }, 300_000)

  it('hands a vault to its owner, then prints the calls left to that owner and sends none of them', async () => {
    const specFile = join(dir, 'deploy.json')
    const owner = privateKeyToAddress(anvilKey(7))
    writeFileSync(specFile, JSON.stringify(specOf(network, { usdcThresholdChain2: '1', vaultOwnerChain2: owner }), null, 2))
    const wired = await unimargin<WireRow>('wire', '--config', specFile)
    expect(wired.code, wired.stderr).toBe(0)
    expect(wired.rows.filter((r) => r.chain === 'chain-2' && (r.setting === 'owner' || r.setting === 'delegate')).map((r) => [r.setting, r.wanted, r.status])).toEqual([
      ['delegate', owner, 'sent'],
      ['owner', owner, 'sent'],
    ])
    const chain2 = createPublicClient({ transport: http(network.chains[1]!.rpcUrl) })
    const nonce = await chain2.getTransactionCount({ address: deployer })

    writeFileSync(specFile, JSON.stringify(specOf(network, { usdcThresholdChain2: '2', vaultOwnerChain2: owner }), null, 2))
    const left = await unimargin<WireRow>('wire', '--config', specFile)
    expect(left.code).toBe(1)
    const rows = left.rows.filter((r) => r.status !== 'ok')
    expect(rows.map((r) => [r.chain, r.setting, r.status, r.owner])).toEqual([['chain-2', 'dualTransportThreshold(USDC)', 'needs owner', owner]])
    expect(rows[0]!.to).toBe(rows[0]!.address)
    expect(rows[0]!.data).toBe(
      encodeFunctionData({ abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [network.chains[1]!.tokens.USDC, 2n] }),
    )
    expect(await chain2.getTransactionCount({ address: deployer })).toBe(nonce)
  }, 300_000)
})
