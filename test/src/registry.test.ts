import { VAULT_REGISTRATION_TYPES } from '@unimargin/protocol'
import { getAccountView } from '@unimargin/aggregator'
import { type Config, defineConfig } from '@unimargin/chains'
import { MarginVault, MockERC20, VaultRegistry } from '@unimargin/contracts'
import { claimDueCommands, eq, registeredVaults, testDatabases, writeCommand } from '@unimargin/db'
import { DEVNET_ESCAPE_DELAY_SECONDS, type Devnet, type DevnetChain, startDevnet } from '@unimargin/devnet'
import { type RunningNode, startNode } from '@unimargin/node'
import pino from 'pino'
import { type Address, getAddress, type Hex, keccak256, pad, stringToHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './harness.js'

const BASE_PORT = 46220
const usdc = (n: number) => BigInt(n) * 10n ** 6n


/**
 * The node's configuration of the first two devnet chains only; the third is named under `registry.chains` (how to
 * reach it), so its vault can join only through the VaultRegistry.
 */
function twoChainConfig(devnet: Devnet): Config {
  const [first, second, third] = devnet.config.chains
  const { vault: _v, assets: _a, startBlock: _s, confirmations: _c, dualTransportAboveUsd: _d, ...connection } = third!
  return defineConfig({
    ...devnet.config,
    chains: [first!, second!],
    routes: [],
    registry: { address: devnet.registry.address, startBlock: devnet.registry.deploymentBlock, chains: [connection] },
  } as never)
}

describe.each(testDatabases())('a vault registered in the VaultRegistry while the node runs, on $kind', ({ open }) => {
  let devnet: Devnet
  let database: Awaited<ReturnType<typeof open>>
  let node: RunningNode
  let config: Config
  let third: DevnetChain
  /** the vault deployed on the third chain for this test, and its deployment block */
  let vault: Address
  let deploymentBlock: bigint
  const alice = () => ({ key: devnet.keys.users[0]! as Hex, address: privateKeyToAddress(devnet.keys.users[0]!) })

  async function send(chain: DevnetChain, key: Hex, request: Parameters<DevnetChain['walletClient']['writeContract']>[0]) {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await chain.wallet(key).writeContract(request), pollingInterval: 20 })
    expect(receipt.status).toBe('success')
    return receipt
  }
  async function deposit(chain: DevnetChain, to: Address, amount: bigint) {
    const token = chain.addresses.tokens.USDC
    await devnet.mint(chain.chainId, 'USDC', alice().address, amount)
    await send(chain, alice().key, { address: token, abi: MockERC20.abi, functionName: 'approve', args: [to, amount] } as never)
    await send(chain, alice().key, { address: to, abi: MarginVault.abi, functionName: 'deposit', args: [token, amount, alice().address] } as never)
    // automine: bury the deposit under its confirmations
    await devnet.mine(chain.chainId, 3)
  }
  const credited = (chainId: number) =>
    getAccountView(database.db, config, alice().address).then((v) => v.collateral.filter((c) => c.chainId === chainId).reduce((sum, c) => sum + BigInt(c.amount), 0n))

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 3, basePort: BASE_PORT })
    third = devnet.chains[2]!
    // a new vault on the third chain, owned by the deployer, listing USDC
    const hash = await third.walletClient.deployContract({
      abi: MarginVault.abi,
      bytecode: MarginVault.bytecode,
      args: [third.addresses.wormhole, devnet.hub.wormholeChainId, pad(devnet.hub.address, { size: 32 }), third.addresses.layerzero.endpoint, devnet.hub.eid, third.walletClient.account.address, DEVNET_ESCAPE_DELAY_SECONDS],
    })
    const receipt = await third.publicClient.waitForTransactionReceipt({ hash })
    vault = getAddress(receipt.contractAddress!)
    deploymentBlock = receipt.blockNumber
    await send(third, devnet.keys.deployer, { address: vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [third.addresses.tokens.USDC, true] } as never)

    database = await open()
    config = twoChainConfig(devnet)
    node = await startNode({ config, db: database.db, logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }), aggregatorPollMs: 50, services: { relayer: false } })
  })
  afterAll(async () => {
    await node?.stop()
    await database?.close()
    await devnet?.stop()
  })

  it('credits a deposit on a vault registered by a signed request to the user\'s one account, without restarting the node', async () => {
    await deposit(devnet.chains[0]!, devnet.chains[0]!.addresses.vault, usdc(1_000))
    await waitFor('the first chain\'s deposit to be credited', async () => (await credited(devnet.chains[0]!.chainId)) === usdc(1_000))
    expect(node.watchers).toHaveLength(2)

    // a deposit made before the registration: the new vault's watcher backfills it from the deployment block
    await deposit(third, vault, usdc(500))
    const hub = devnet.chains[0]!
    const admin = privateKeyToAccount(devnet.keys.deployer)
    const assets = [
      {
        token: third.addresses.tokens.USDC,
        feed: third.addresses.feeds.USDC,
        symbol: 'USDC',
        decimals: 6,
        feedDecimals: 8,
        haircutBps: 100,
        mmHaircutBps: 100,
        imHaircutBps: 100,
        routeBreakLossBps: 0,
      },
    ]
    const nonce = await hub.publicClient.readContract({ address: devnet.registry.address, abi: VaultRegistry.abi, functionName: 'nonces', args: [admin.address] })
    const deadline = (await hub.publicClient.getBlock()).timestamp + 3600n
    const message = { chainId: BigInt(third.chainId), vault, deploymentBlock, confirmations: 1, transport: 0, assets, nonce, deadline }
    const signature = await admin.signTypedData({
      domain: { name: 'Unimargin VaultRegistry', version: '1', chainId: hub.chainId, verifyingContract: devnet.registry.address },
      types: VAULT_REGISTRATION_TYPES,
      primaryType: 'RegisterVault',
      message,
    })
    // relayed by someone else than the admin
    await send(hub, devnet.keys.users[5]!, {
      address: devnet.registry.address,
      abi: VaultRegistry.abi,
      functionName: 'registerWithSignature',
      args: [message.chainId, vault, deploymentBlock, 1, 0, assets, deadline, signature],
    } as never)
    await devnet.mine(hub.chainId, 3)

    await waitFor('the registered vault\'s backfilled deposit to be credited', async () => (await credited(third.chainId)) === usdc(500))
    expect(node.watchers).toHaveLength(3)
    expect(config.chains.find((c) => c.chainId === third.chainId)).toMatchObject({ vault, startBlock: deploymentBlock, confirmations: 1 })

    await deposit(third, vault, usdc(250))
    await devnet.mine(third.chainId, 2)
    await waitFor('a deposit after the registration to be credited', async () => (await credited(third.chainId)) === usdc(750))
    const view = await getAccountView(database.db, config, alice().address)
    expect(view.collateral.map((c) => c.chainId).sort()).toEqual([devnet.chains[0]!.chainId, third.chainId])
    expect(BigInt(view.collateralUsd8)).toBeGreaterThan(0n)
  })

  it('follows the registry\'s status changes; no command is sent to a retired vault while others are', async () => {
    const hub = devnet.chains[0]!
    const advance = () => send(hub, devnet.keys.deployer, { address: devnet.registry.address, abi: VaultRegistry.abi, functionName: 'advanceStatus', args: [BigInt(third.chainId)] } as never)
    const status = async () => (await database.db.select().from(registeredVaults).where(eq(registeredVaults.chainId, third.chainId)))[0]?.status

    // the vault itself closes deposits (its owner's call); the hub credits only what it accepted
    await advance()
    await send(third, devnet.keys.deployer, { address: vault, abi: MarginVault.abi, functionName: 'advanceLifecycle', args: [] } as never)
    await devnet.mine(hub.chainId, 3)
    await waitFor('deposits closed to be recorded', async () => (await status()) === 'depositsClosed')
    await expect(deposit(third, vault, usdc(10))).rejects.toThrow(/DepositsNotAccepted/)
    await devnet.mine(third.chainId, 3)
    expect(await credited(third.chainId)).toBe(usdc(750))

    const command = (destChainId: number) => {
      const id = keccak256(stringToHex(`registry-test:${destChainId}`))
      return { id, kind: 'Lock', account: alice().address, destChainId, vault: config.chains.find((c) => c.chainId === destChainId)!.vault, payload: id, expiry: 2n ** 40n, cause: `registry-test:${destChainId}` }
    }
    await writeCommand(database.db, command(third.chainId))
    expect((await claimDueCommands(database.db, 'registry-test', 10, 1)).map((c) => c.destChainId)).toEqual([third.chainId])

    await advance()
    await advance()
    await devnet.mine(hub.chainId, 3)
    await waitFor('the retirement to be recorded', async () => (await status()) === 'retired')
    await writeCommand(database.db, command(devnet.chains[1]!.chainId))
    await new Promise((resolve) => setTimeout(resolve, 5))
    const claimed = await claimDueCommands(database.db, 'registry-test', 10, 1)
    expect(claimed.map((c) => c.destChainId)).toEqual([devnet.chains[1]!.chainId])
    await waitFor('the node to see the retirement', async () => node.registry?.statuses().get(third.chainId) === 'retired')
  })
})
