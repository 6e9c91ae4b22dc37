import { VAULT_REGISTRATION_TYPES } from '@unimargin/protocol'
import { MarginVault, VaultRegistry } from '@unimargin/contracts'
import { type Address, type Hex, parseEventLogs, zeroAddress } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CommandInput,
  type Devnet,
  type DevnetChain,
  type HubCommands,
  hubCommands,
  mintAndDeposit,
  requestWithdrawal,
  startDevnet,
  throughTimelock,
} from './devnet.js'
import { expectRevert } from './revert.js'

const BASE_PORT = 46210
const Status = { Active: 0, DepositsClosed: 1, WithdrawalsOnly: 2, Retired: 3 } as const
const Transport = { Wormhole: 0, LayerZero: 1 } as const

type Asset = {
  token: Address
  feed: Address
  symbol: string
  decimals: number
  feedDecimals: number
  haircutBps: number
  mmHaircutBps: number
  imHaircutBps: number
  routeBreakLossBps: number
}


describe('VaultRegistry and the MarginVault lifecycle', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let spoke: DevnetChain
  let registry: Address
  let commands: HubCommands

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT })
    hub = devnet.chains[0]!
    spoke = devnet.chains[1]!
    registry = devnet.registry.address
    commands = hubCommands(devnet, spoke, { label: 'registry-test-command' })
  })
  afterAll(() => devnet?.stop())

  const usdcAsset = (): Asset => ({
    token: spoke.addresses.tokens.USDC,
    feed: spoke.addresses.feeds.USDC,
    symbol: 'USDC',
    decimals: 6,
    feedDecimals: 8,
    haircutBps: 0,
    mmHaircutBps: 0,
    imHaircutBps: 0,
    routeBreakLossBps: 0,
  })
  const entry = (chainId: bigint, assets: Asset[] = [usdcAsset()]) => [chainId, spoke.addresses.vault, 5n, 2, Transport.Wormhole, assets] as const
  const admin = () => privateKeyToAccount(devnet.keys.deployer)
  const stranger = () => privateKeyToAccount(devnet.keys.users[3]!)
  const read = <F extends 'vaultOf' | 'nonces' | 'chainIds'>(functionName: F, args: readonly unknown[]) =>
    hub.publicClient.readContract({ address: registry, abi: VaultRegistry.abi, functionName, args } as never) as Promise<never>
  async function send(key: Hex, request: Parameters<DevnetChain['walletClient']['writeContract']>[0], chain: DevnetChain = hub) {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await chain.wallet(key).writeContract(request) })
    expect(receipt.status).toBe('success')
    return receipt
  }
  async function signRegistration(key: Hex, chainId: bigint, assets: Asset[], nonce: bigint, deadline: bigint) {
    const [, vault, deploymentBlock, confirmations, transport] = entry(chainId, assets)
    return privateKeyToAccount(key).signTypedData({
      domain: { name: 'Unimargin VaultRegistry', version: '1', chainId: hub.chainId, verifyingContract: registry },
      types: VAULT_REGISTRATION_TYPES,
      primaryType: 'RegisterVault',
      message: { chainId, vault, deploymentBlock, confirmations, transport, assets, nonce, deadline },
    })
  }

  it('registers a vault by the admin\'s transaction and refuses anyone else, a second vault on the chain and an invalid field', async () => {
    const { request } = await hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'register', args: entry(900n), account: admin() })
    const receipt = await send(devnet.keys.deployer, request)
    const [event] = parseEventLogs({ abi: VaultRegistry.abi, logs: receipt.logs, eventName: 'VaultRegistered' })
    expect(event?.args).toMatchObject({ chainId: 900n, vault: spoke.addresses.vault, deploymentBlock: 5n, confirmations: 2, transport: 0, registrar: admin().address })
    expect(event?.args.assets).toEqual([usdcAsset()])
    const stored = (await read('vaultOf', [900n])) as { vault: Address; status: number; assets: Asset[] }
    expect(stored.vault).toBe(spoke.addresses.vault)
    expect(stored.status).toBe(Status.Active)
    expect(stored.assets).toEqual([usdcAsset()])

    const simulate = (args: ReturnType<typeof entry>, account = admin()) =>
      hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'register', args, account })
    await expectRevert(simulate(entry(901n), stranger()), 'OwnableUnauthorizedAccount')
    expect(await expectRevert(simulate(entry(900n)), 'ChainAlreadyRegistered')).toEqual([900n, spoke.addresses.vault])
    expect(await expectRevert(simulate(entry(901n, [usdcAsset(), usdcAsset()])), 'InvalidRegistration')).toEqual(['assets[1].token'])
    expect(await expectRevert(simulate(entry(901n, [{ ...usdcAsset(), feed: zeroAddress }])), 'InvalidRegistration')).toEqual(['assets[0].feed'])
    expect(await expectRevert(simulate(entry(901n, [{ ...usdcAsset(), mmHaircutBps: 400, imHaircutBps: 300 }])), 'InvalidRegistration')).toEqual(['assets[0].mmHaircutBps'])
    expect(await expectRevert(simulate(entry(901n, [])), 'InvalidRegistration')).toEqual(['assets'])
  })

  it('registers a vault from the admin\'s signed request relayed by anyone, once, and refuses another signer or a late request', async () => {
    const nonce = (await read('nonces', [admin().address])) as bigint
    const deadline = (await hub.publicClient.getBlock()).timestamp + 3600n
    const assets = [usdcAsset()]
    const signature = await signRegistration(devnet.keys.deployer, 902n, assets, nonce, deadline)
    const args = [...entry(902n, assets), deadline, signature] as const
    const { request } = await hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'registerWithSignature', args, account: stranger() })
    const receipt = await send(devnet.keys.users[3]!, request)
    expect(parseEventLogs({ abi: VaultRegistry.abi, logs: receipt.logs, eventName: 'VaultRegistered' })[0]?.args.registrar).toBe(stranger().address)
    expect(await read('nonces', [admin().address])).toBe(nonce + 1n)
    expect(await read('chainIds', [])).toEqual([900n, 902n])

    const relay = (a: readonly unknown[]) =>
      hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'registerWithSignature', args: a as typeof args, account: stranger() })
    // replayed for another chain: the nonce has moved on, so the signature no longer matches
    await expectRevert(relay([...entry(903n, assets), deadline, await signRegistration(devnet.keys.deployer, 903n, assets, nonce, deadline)]), 'InvalidSignature')
    await expectRevert(relay([...entry(903n, assets), deadline, await signRegistration(devnet.keys.users[3]!, 903n, assets, nonce + 1n, deadline)]), 'InvalidSignature')
    // a changed field breaks the admin's signature
    const good = await signRegistration(devnet.keys.deployer, 903n, assets, nonce + 1n, deadline)
    await expectRevert(relay([...entry(903n, [{ ...usdcAsset(), haircutBps: 1 }]), deadline, good]), 'InvalidSignature')
    const past = (await hub.publicClient.getBlock()).timestamp - 1n
    expect(await expectRevert(relay([...entry(903n, assets), past, await signRegistration(devnet.keys.deployer, 903n, assets, nonce + 1n, past)]), 'RequestExpired')).toEqual([past])
  })

  it('moves a registered vault\'s status only forward, one step at a time, each with an event, until retired', async () => {
    const advance = async () => {
      const { request } = await hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'advanceStatus', args: [900n], account: admin() })
      const receipt = await send(devnet.keys.deployer, request)
      return parseEventLogs({ abi: VaultRegistry.abi, logs: receipt.logs, eventName: 'VaultStatusChanged' })[0]?.args
    }
    await expectRevert(
      hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'advanceStatus', args: [900n], account: stranger() }),
      'OwnableUnauthorizedAccount',
    )
    expect(await advance()).toEqual({ chainId: 900n, vault: spoke.addresses.vault, from: Status.Active, to: Status.DepositsClosed })
    expect(await advance()).toEqual({ chainId: 900n, vault: spoke.addresses.vault, from: Status.DepositsClosed, to: Status.WithdrawalsOnly })
    expect(await advance()).toEqual({ chainId: 900n, vault: spoke.addresses.vault, from: Status.WithdrawalsOnly, to: Status.Retired })
    expect(((await read('vaultOf', [900n])) as { status: number }).status).toBe(Status.Retired)
    await expectRevert(
      hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'advanceStatus', args: [900n], account: admin() }),
      'AlreadyRetired',
    )
    await expectRevert(
      hub.publicClient.simulateContract({ address: registry, abi: VaultRegistry.abi, functionName: 'advanceStatus', args: [904n], account: admin() }),
      'ChainNotRegistered',
    )
  })

  it('refuses deposits once the vault closes them, still pays withdrawals, and retires only when it owes its accounts nothing', async () => {
    const vault = spoke.addresses.vault
    const usdc = spoke.addresses.tokens.USDC
    const user = { key: devnet.keys.users[0]!, address: privateKeyToAddress(devnet.keys.users[0]!) }
    const lifecycle = () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'lifecycle' })
    const outstanding = () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'outstanding', args: [usdc] })
    const advance = () => throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'advanceLifecycle', args: [] })
    const execute = async (c: CommandInput) => {
      const receipt = await commands.executeVaa(await commands.vaa((await commands.encode(c)).payload))
      return parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs })
    }

    await mintAndDeposit(devnet, spoke, user.key, 1_000n)
    expect(await outstanding()).toBe(1_000n)
    const pending = await requestWithdrawal(spoke, user.key, 400n)

    const closed = await advance()
    expect(parseEventLogs({ abi: MarginVault.abi, logs: closed.logs, eventName: 'LifecycleAdvanced' })[0]?.args).toEqual({ from: Status.Active, to: Status.DepositsClosed })
    expect(await lifecycle()).toBe(Status.DepositsClosed)
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [usdc, 1n, user.address], account: privateKeyToAccount(user.key) }),
      'DepositsNotAccepted',
    )
    // withdrawals go on: the request made before is paid, a new one can be made
    expect((await execute({ kind: 'ApproveWithdrawal', account: user.address, requestId: pending, lockEpoch: 0 })).some((l) => l.eventName === 'WithdrawalExecuted')).toBe(true)
    const second = await requestWithdrawal(spoke, user.key, 500n)
    await advance()
    expect(await lifecycle()).toBe(Status.WithdrawalsOnly)

    // 100 still owed (and 500 in escrow): retirement is refused
    expect(await outstanding()).toBe(600n)
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'advanceLifecycle', args: [], account: spoke.addresses.timelock }),
      'VaultNotEmpty',
    )
    await execute({ kind: 'ApproveWithdrawal', account: user.address, requestId: second, lockEpoch: 0 })
    const last = await requestWithdrawal(spoke, user.key, 100n)
    await execute({ kind: 'ApproveWithdrawal', account: user.address, requestId: last, lockEpoch: 0 })
    expect(await outstanding()).toBe(0n)

    const retired = await advance()
    expect(parseEventLogs({ abi: MarginVault.abi, logs: retired.logs, eventName: 'LifecycleAdvanced' })[0]?.args).toEqual({ from: Status.WithdrawalsOnly, to: Status.Retired })
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args: [usdc, 1n, user.address], account: privateKeyToAccount(user.key) }),
      'VaultIsRetired',
    )
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'advanceLifecycle', args: [], account: spoke.addresses.timelock }),
      'LifecycleFinal',
    )
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'advanceLifecycle', args: [], account: user.address }),
      'OwnableUnauthorizedAccount',
    )
  })
})
