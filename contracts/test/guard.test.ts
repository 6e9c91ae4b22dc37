import { LzEndpointV2, MarginHub, MarginVault, MockERC20, TimelockController } from '@unimargin/contracts'
import { type Address, encodeAbiParameters, type Hex, pad, parseEventLogs, zeroHash } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  advanceTime,
  type CommandInput,
  DEVNET_TIMELOCK_DELAY_SECONDS,
  type Devnet,
  type DevnetChain,
  executeOwnerCall,
  type HubCommands,
  hubCommands,
  mintAndDeposit,
  requestWithdrawal as request,
  scheduleOwnerCall,
  startDevnet,
  throughTimelock,
} from './devnet.js'
import { expectRevert } from './revert.js'

const BASE_PORT = 31000
const Outcome = { Applied: 0, VaultPaused: 7 } as const
const Status = { Pending: 1, Executed: 2, Rejected: 3, Cancelled: 4 } as const
const DAY = 86_400
/** ReceiveUln302's config type of a ULN config (DVNs and confirmations). */
const CONFIG_TYPE_ULN = 2

describe('MarginVault guardian pause and owner powers behind a timelock', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let spoke: DevnetChain
  let vault: Address
  let usdc: Address
  let commands: HubCommands

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT })
    hub = devnet.chains[0]!
    spoke = devnet.chains[1]!
    vault = spoke.addresses.vault
    usdc = spoke.addresses.tokens.USDC
    commands = hubCommands(devnet, spoke, { label: 'guard-test-command' })
  })
  afterAll(() => devnet?.stop())

  const user = (i: number) => ({ key: devnet.keys.users[i]!, address: privateKeyToAddress(devnet.keys.users[i]!) })
  const deployer = () => privateKeyToAccount(devnet.keys.deployer)
  const guardian = () => privateKeyToAccount(devnet.keys.vaultGuardian)
  const now = async () => (await spoke.publicClient.getBlock()).timestamp
  const advance = (seconds: number) => advanceTime(spoke, seconds)
  const read = {
    balance: (a: Address) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [a, usdc] }),
    request: (id: bigint) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [id] }),
    tokens: (a: Address) => spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [a] }),
    paused: () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'paused' }),
    timeout: () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'requestTimeoutSeconds' }),
  }

  /** Signs `c` into a MarginHub VAA for the spoke vault, relays it and returns the outcome and the vault's logs. */
  async function execute(c: CommandInput) {
    const receipt = await commands.executeVaa(await commands.vaa((await commands.encode(c)).payload))
    expect(receipt.status).toBe('success')
    const logs = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs })
    const executed = logs.find((l) => l.eventName === 'CommandExecuted')
    if (executed?.eventName !== 'CommandExecuted') throw new Error('no CommandExecuted event')
    return { outcome: executed.args.outcome, logs }
  }

  const deposit = (i: number, amount: bigint) => mintAndDeposit(devnet, spoke, user(i).key, amount)
  const simulateRequest = (i: number, amount: bigint) =>
    spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'requestWithdrawal',
      args: [usdc, amount, user(i).address],
      account: privateKeyToAccount(user(i).key),
    })
  const requestWithdrawal = (i: number, amount: bigint) => request(spoke, user(i).key, amount)
  async function send(key: Hex, request: Parameters<DevnetChain['walletClient']['writeContract']>[0]) {
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash: await spoke.wallet(key).writeContract(request) })
    expect(receipt.status).toBe('success')
    return receipt
  }
  const unpause = () => throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'unpause', args: [] })

  it('lets the guardian stop every payout and request at once, while deposits, rejections and cancellations go on', async () => {
    const u = user(0)
    await deposit(0, 1_000n)
    const approved = await requestWithdrawal(0, 300n)
    const rejected = await requestWithdrawal(0, 200n)
    const cancelled = await requestWithdrawal(0, 100n)

    const { request } = await spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: guardian() })
    const paused = await send(devnet.keys.vaultGuardian, request)
    expect(parseEventLogs({ abi: MarginVault.abi, logs: paused.logs, eventName: 'Paused' })[0]?.args).toEqual({ account: guardian().address })
    expect(await read.paused()).toBe(true)

    const before = await read.tokens(u.address)
    expect((await execute({ kind: 'ApproveWithdrawal', account: u.address, requestId: approved, lockEpoch: 0 })).outcome).toBe(Outcome.VaultPaused)
    expect(await read.tokens(u.address)).toBe(before)
    expect((await read.request(approved)).status).toBe(Status.Pending)
    await expectRevert(simulateRequest(0, 1n), 'EnforcedPause')

    expect((await deposit(0, 50n)).status).toBe('success')
    expect((await execute({ kind: 'RejectWithdrawal', account: u.address, requestId: rejected, reason: 7 })).outcome).toBe(Outcome.Applied)
    expect((await read.request(rejected)).status).toBe(Status.Rejected)
    await advance(DAY)
    const cancel = await spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'cancelWithdrawal', args: [cancelled], account: privateKeyToAccount(u.key) })
    await send(u.key, cancel.request)
    expect((await read.request(cancelled)).status).toBe(Status.Cancelled)
    // 1 000 deposited + 50 − 600 requested + 200 rejected + 100 cancelled; the approved 300 stays in escrow
    expect(await read.balance(u.address)).toBe(750n)

    const receipt = await unpause()
    expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'Unpaused' })[0]?.args).toEqual({ account: spoke.addresses.timelock })
    expect((await execute({ kind: 'ApproveWithdrawal', account: u.address, requestId: approved, lockEpoch: 0 })).outcome).toBe(Outcome.Applied)
    expect(await read.tokens(u.address)).toBe(before + 300n)
    expect((await read.request(approved)).status).toBe(Status.Executed)
  })

  it('lets only the guardian pause, and never lets it unpause or change a parameter', async () => {
    const owner = spoke.addresses.timelock
    await expectRevert(spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: owner }), 'NotGuardian')
    await expectRevert(spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: deployer() }), 'NotGuardian')
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: privateKeyToAccount(devnet.keys.relayer) }),
      'NotGuardian',
    )

    const { request } = await spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: guardian() })
    await send(devnet.keys.vaultGuardian, request)
    const g = guardian()
    await expectRevert(spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'pause', account: g }), 'EnforcedPause')
    for (const call of [
      { functionName: 'unpause', args: [] },
      { functionName: 'setGuardian', args: [g.address] },
      { functionName: 'setRequestTimeout', args: [3600n] },
      { functionName: 'setAssetSupported', args: [usdc, false] },
      { functionName: 'setDelegate', args: [g.address] },
      { functionName: 'transferOwnership', args: [g.address] },
    ] as const) {
      await expectRevert(spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, ...call, account: g } as never), 'OwnableUnauthorizedAccount')
    }
    await unpause()
    expect(await read.paused()).toBe(false)
  })

  it('gives every owner power of the vaults and the hub to a timelock with no admin, so the deployer is neither owner nor delegate', async () => {
    for (const c of [hub, spoke]) {
      const timelock = c.addresses.timelock
      const ownerOf = (address: Address) => c.publicClient.readContract({ address, abi: MarginVault.abi, functionName: 'owner' })
      const delegateOf = (oapp: Address) => c.publicClient.readContract({ address: c.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [oapp] })
      expect(await ownerOf(c.addresses.vault)).toBe(timelock)
      expect(await delegateOf(c.addresses.vault)).toBe(timelock)
      const tl = { address: timelock, abi: TimelockController.abi } as const
      expect(await c.publicClient.readContract({ ...tl, functionName: 'getMinDelay' })).toBe(BigInt(DEVNET_TIMELOCK_DELAY_SECONDS))
      const admin = await c.publicClient.readContract({ ...tl, functionName: 'DEFAULT_ADMIN_ROLE' })
      expect(await c.publicClient.readContract({ ...tl, functionName: 'hasRole', args: [admin, deployer().address] })).toBe(false)
      expect(await c.publicClient.readContract({ ...tl, functionName: 'hasRole', args: [admin, timelock] })).toBe(true)
      const proposer = await c.publicClient.readContract({ ...tl, functionName: 'PROPOSER_ROLE' })
      expect(await c.publicClient.readContract({ ...tl, functionName: 'hasRole', args: [proposer, deployer().address] })).toBe(true)
      expect(await c.publicClient.readContract({ ...tl, functionName: 'hasRole', args: [proposer, privateKeyToAddress(devnet.keys.relayer)] })).toBe(false)
      await expectRevert(
        c.publicClient.simulateContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [c.addresses.tokens.USDC, false], account: deployer() }),
        'OwnableUnauthorizedAccount',
      )
      await expectRevert(
        c.publicClient.simulateContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'setDelegate', args: [deployer().address], account: deployer() }),
        'OwnableUnauthorizedAccount',
      )
    }
    const hubAddress = hub.addresses.hub!
    expect(await hub.publicClient.readContract({ address: hubAddress, abi: MarginHub.abi, functionName: 'owner' })).toBe(hub.addresses.timelock)
    expect(
      await hub.publicClient.readContract({ address: hub.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [hubAddress] }),
    ).toBe(hub.addresses.timelock)
    await expectRevert(
      hub.publicClient.simulateContract({ address: hubAddress, abi: MarginHub.abi, functionName: 'proposePublisher', args: [deployer().address, true], account: deployer() }),
      'OwnableUnauthorizedAccount',
    )
    await expectRevert(
      hub.publicClient.simulateContract({ address: hubAddress, abi: MarginHub.abi, functionName: 'setPeer', args: [spoke.addresses.layerzero.eid, zeroHash], account: deployer() }),
      'OwnableUnauthorizedAccount',
    )
  })

  it("refuses a change of the vault's DVNs or receive library on the endpoint from the deployer; only the timelock may make it", async () => {
    const { endpoint, receiveLib, eid } = spoke.addresses.layerzero
    const hubEid = hub.addresses.layerzero.eid
    // a ULN config naming a DVN the deployer controls, which would let it verify forged packets
    const forged = encodeAbiParameters(
      [{ type: 'tuple', components: [{ type: 'uint64' }, { type: 'uint8' }, { type: 'uint8' }, { type: 'uint8' }, { type: 'address[]' }, { type: 'address[]' }] }],
      [[1n, 1, 0, 0, [deployer().address], []]],
    )
    const setConfig = (account: Address) =>
      spoke.publicClient.simulateContract({
        address: endpoint,
        abi: LzEndpointV2.abi,
        functionName: 'setConfig',
        args: [vault, receiveLib, [{ eid: hubEid, configType: CONFIG_TYPE_ULN, config: forged }]],
        account,
      })
    await expectRevert(setConfig(deployer().address), 'LZ_Unauthorized')
    await expectRevert(setConfig(guardian().address), 'LZ_Unauthorized')
    await expect(setConfig(spoke.addresses.timelock)).resolves.toBeDefined()
    await expectRevert(
      spoke.publicClient.simulateContract({ address: endpoint, abi: LzEndpointV2.abi, functionName: 'setReceiveLibrary', args: [vault, hubEid, receiveLib, 0n], account: deployer() }),
      'LZ_Unauthorized',
    )
    expect(eid).not.toBe(hubEid)
  })

  it('executes an owner call only once the timelock delay has passed since it was scheduled', async () => {
    const call = { address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [2n * 3600n] } as const
    const scheduled = await scheduleOwnerCall(spoke, call)
    expect(scheduled.readyAt).toBe((await now()) + BigInt(DEVNET_TIMELOCK_DELAY_SECONDS))
    await expectRevert(executeOwnerCall(spoke, scheduled), 'TimelockUnexpectedOperationState')
    await advance(DEVNET_TIMELOCK_DELAY_SECONDS - 10)
    await expectRevert(executeOwnerCall(spoke, scheduled), 'TimelockUnexpectedOperationState')
    expect(await read.timeout()).not.toBe(2n * 3600n)
    await advance(10)
    const receipt = await executeOwnerCall(spoke, scheduled)
    expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'RequestTimeoutSet' })[0]?.args).toEqual({ requestTimeoutSeconds: 2n * 3600n })
    expect(await read.timeout()).toBe(2n * 3600n)
    await expectRevert(executeOwnerCall(spoke, scheduled), 'TimelockUnexpectedOperationState')

    // only the operator's proposer key may schedule: not the relayer, not the guardian
    await expectRevert(scheduleOwnerCall({ ...spoke, walletClient: spoke.wallet(devnet.keys.relayer) }, call), 'AccessControlUnauthorizedAccount')
    await expectRevert(scheduleOwnerCall({ ...spoke, walletClient: spoke.wallet(devnet.keys.vaultGuardian) }, call), 'AccessControlUnauthorizedAccount')

    const relayer = privateKeyToAddress(devnet.keys.relayer)
    const isPublisher = () => hub.publicClient.readContract({ address: hub.addresses.hub!, abi: MarginHub.abi, functionName: 'isPublisher', args: [relayer] })
    expect(await isPublisher()).toBe(true)
    // a publisher change waits for the timelock's delay, then for MarginHub's own co-signer delay
    const setPublisher = async (allowed: boolean) => {
      await throughTimelock(hub, { address: hub.addresses.hub!, abi: MarginHub.abi, functionName: 'proposePublisher', args: [relayer, allowed] })
      expect(await isPublisher()).toBe(!allowed)
      const delay = await hub.publicClient.readContract({ address: hub.addresses.hub!, abi: MarginHub.abi, functionName: 'coSignerDelaySeconds' })
      await advanceTime(hub, delay)
      const hash = await hub.wallet(devnet.keys.relayer).writeContract({ address: hub.addresses.hub!, abi: MarginHub.abi, functionName: 'executePublisher', args: [] })
      expect((await hub.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    }
    await setPublisher(false)
    expect(await isPublisher()).toBe(false)
    await setPublisher(true)
    expect(await isPublisher()).toBe(true)
  })

  it('lets the owner, only through its timelock, name a guardian, delist an asset and set a hub peer, and change the timelock itself only by its own delayed calls', async () => {
    const g = guardian().address
    const other = privateKeyToAddress(devnet.keys.users[5]!)
    const named = await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setGuardian', args: [other] })
    expect(parseEventLogs({ abi: MarginVault.abi, logs: named.logs, eventName: 'GuardianSet' })[0]?.args).toEqual({ previousGuardian: g, newGuardian: other })
    await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setGuardian', args: [g] })
    expect(await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'guardian' })).toBe(g)

    const weth = spoke.addresses.tokens.ETH
    const listed = () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'isAssetSupported', args: [weth] })
    await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [weth, false] })
    expect(await listed()).toBe(false)
    await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [weth, true] })
    expect(await listed()).toBe(true)

    const hubAddress = hub.addresses.hub!
    const peer = pad(spoke.addresses.vault.toLowerCase() as Address, { size: 32 })
    const set = await throughTimelock(hub, { address: hubAddress, abi: MarginHub.abi, functionName: 'setPeer', args: [spoke.addresses.layerzero.eid, peer] })
    expect(parseEventLogs({ abi: MarginHub.abi, logs: set.logs, eventName: 'PeerSet' })[0]?.args).toEqual({ eid: spoke.addresses.layerzero.eid, peer })

    const tl = { address: spoke.addresses.timelock, abi: TimelockController.abi } as const
    await expectRevert(spoke.publicClient.simulateContract({ ...tl, functionName: 'updateDelay', args: [0n], account: deployer() }), 'TimelockUnauthorizedCaller')
    const proposer = await spoke.publicClient.readContract({ ...tl, functionName: 'PROPOSER_ROLE' })
    await expectRevert(
      spoke.publicClient.simulateContract({ ...tl, functionName: 'grantRole', args: [proposer, privateKeyToAddress(devnet.keys.relayer)], account: deployer() }),
      'AccessControlUnauthorizedAccount',
    )
    await throughTimelock(spoke, { ...tl, functionName: 'updateDelay', args: [BigInt(DEVNET_TIMELOCK_DELAY_SECONDS)] })
  })

  it('bounds the request timeout to 1 hour .. 7 days, so an unanswered request can always be cancelled within a week', async () => {
    const owner = spoke.addresses.timelock
    const set = (seconds: bigint) =>
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [seconds], account: owner })
    const min = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'MIN_REQUEST_TIMEOUT' })
    const max = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'MAX_REQUEST_TIMEOUT' })
    expect([min, max]).toEqual([3600n, 7n * 86_400n])
    expect(await expectRevert(set(min - 1n), 'RequestTimeoutOutOfRange')).toEqual([min - 1n, min, max])
    expect(await expectRevert(set(max + 1n), 'RequestTimeoutOutOfRange')).toEqual([max + 1n, min, max])
    expect(await expectRevert(set(0n), 'RequestTimeoutOutOfRange')).toEqual([0n, min, max])
    await expect(set(min)).resolves.toBeDefined()
    await expect(set(max)).resolves.toBeDefined()
    await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [max] })
    expect(await read.timeout()).toBe(max)
  })
})
