import { LzEndpointV2, MarginVault, MockERC20 } from '@unimargin/contracts'
import type { DecodedPacket } from '@unimargin/protocol'
import { type Abi, type Address, type Hex, keccak256, parseEventLogs, type TransactionReceipt, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  advanceTime,
  type CommandInput,
  type Devnet,
  type DevnetChain,
  type HubCommands,
  hubCommands,
  lzReceiveArgs,
  mintAndDeposit,
  requestWithdrawal,
  startDevnet,
  throughTimelock,
  verifyPacket,
} from './devnet.js'
import { expectRevert } from './revert.js'

/** Ports of this file's devnet. */
const BASE_PORT = 31500
const Transport = { Wormhole: 1, LayerZero: 2 } as const
const Status = { Pending: 1, Executed: 2 } as const
/** The USDC threshold this file sets on the spoke vault: 50 000 USDC, base units. */
const THRESHOLD = 50_000n * 10n ** 6n

/** Errors an `EndpointV2.lzReceive` can revert with: the endpoint's own and those the vault bubbles up. */
const DELIVERY_ABI = [...LzEndpointV2.abi, ...MarginVault.abi.filter((x) => x.type === 'error'), ...MockERC20.abi.filter((x) => x.type === 'error')] as Abi

describe('MarginVault: two transports above a size (real Wormhole core, EndpointV2 and ULN302)', () => {
  let devnet: Devnet
  let spoke: DevnetChain
  let vault: Address
  let usdc: Address
  let hub: HubCommands

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT })
    spoke = devnet.chains[1]!
    vault = spoke.addresses.vault
    usdc = spoke.addresses.tokens.USDC
    hub = hubCommands(devnet, spoke, { label: 'dual-test-command', firstSequence: 10_000n })
    // the vault's owner is its timelock: the threshold takes the owner's delay like every other parameter
    const receipt = await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [usdc, THRESHOLD] })
    expect(receipt.status).toBe('success')
  })
  afterAll(() => devnet?.stop())

  const user = (i: number) => ({ key: devnet.keys.users[i]!, address: privateKeyToAddress(devnet.keys.users[i]!) })
  const now = async () => (await spoke.publicClient.getBlock()).timestamp
  const command = (c: CommandInput) => hub.encode(c)
  const vaa = (payload: Hex, guardianKeys?: Hex[]) => hub.vaa(payload, guardianKeys)
  const simulateVaa = (encodedVaa: Hex) => hub.simulateVaa(encodedVaa)
  const parse = (receipt: TransactionReceipt) => {
    expect(receipt.status).toBe('success')
    return parseEventLogs({ abi: [...MarginVault.abi, ...MockERC20.abi] as Abi, logs: receipt.logs }) as { eventName: string; args: Record<string, unknown> }[]
  }
  const executeVaa = async (encodedVaa: Hex) => parse(await hub.executeVaa(encodedVaa))
  /** Sends `payload` as a LayerZero packet through MarginHub.publishLz, paying the quoted fee. */
  const send = (payload: Hex, kind: 'ApproveWithdrawal' | 'Seize' | 'Lock') => hub.publishLz(payload, kind)
  /** Verifies `packet` as the path's required DVN, then executes it on the endpoint. */
  const receive = async (packet: DecodedPacket) => parse(await hub.receive(packet, 400_000n))

  const names = (logs: { eventName: string }[]) => logs.map((l) => l.eventName)
  const tokenBalance = (account: Address) => spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [account] })
  const request = (id: bigint) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [id] })
  const held = (commandId: Hex) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'heldCommand', args: [commandId] })
  const executed = (commandId: Hex) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'isCommandExecuted', args: [commandId] })

  /** User `i` deposits `amount` USDC and asks to withdraw it to itself; returns the request id. */
  async function depositAndRequest(i: number, amount: bigint): Promise<bigint> {
    expect((await mintAndDeposit(devnet, spoke, user(i).key, amount)).status).toBe('success')
    return requestWithdrawal(spoke, user(i).key, amount)
  }

  it('lets only the owner set a threshold, announcing it', async () => {
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [usdc, 1n], account: privateKeyToAccount(devnet.keys.relayer) }),
      'OwnableUnauthorizedAccount',
    )
    await expectRevert(
      spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [usdc, 1n], account: privateKeyToAccount(devnet.keys.deployer) }),
      'OwnableUnauthorizedAccount',
    )
    expect(await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'dualTransportThreshold', args: [usdc] })).toBe(THRESHOLD)
    const events = await spoke.publicClient.getContractEvents({ address: vault, abi: MarginVault.abi, eventName: 'DualTransportThresholdSet', fromBlock: 0n })
    expect(events.at(-1)?.args).toEqual({ asset: usdc, threshold: THRESHOLD })
  })

  it('holds a large approval delivered over Wormhole without paying, then pays it once when its LayerZero packet arrives', async () => {
    const u = user(0)
    const requestId = await depositAndRequest(0, THRESHOLD)
    const { payload, commandId } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    const before = await tokenBalance(u.address)

    const first = await executeVaa(await vaa(payload))
    expect(names(first)).toEqual(['CommandAwaitingSecondTransport'])
    expect(first[0]!.args).toEqual({ commandId, transport: Transport.Wormhole, payloadHash: keccak256(payload) })
    expect(await tokenBalance(u.address)).toBe(before)
    expect((await request(requestId)).status).toBe(Status.Pending)
    expect(await executed(commandId)).toBe(false)
    expect(await held(commandId)).toEqual({ payloadHash: keccak256(payload), transport: Transport.Wormhole, frozen: false })

    const packet = await send(payload, 'ApproveWithdrawal')
    const second = await receive(packet)
    expect(names(second)).toEqual(['Transfer', 'WithdrawalExecuted', 'CommandExecuted'])
    expect(second.at(-1)!.args).toMatchObject({ commandId, outcome: 0, vmHash: packet.guid })
    expect(await tokenBalance(u.address)).toBe(before + THRESHOLD)
    expect((await request(requestId)).status).toBe(Status.Executed)

    // a third copy changes nothing: a VAA reverts, as for any executed command
    await expectRevert(simulateVaa(await vaa(payload)), 'CommandAlreadyExecuted')
  })

  it('holds a large approval delivered over LayerZero first and executes it on the VAA', async () => {
    const u = user(1)
    const requestId = await depositAndRequest(1, THRESHOLD * 2n)
    const { payload, commandId } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    const first = await receive(await send(payload, 'ApproveWithdrawal'))
    expect(names(first)).toEqual(['CommandAwaitingSecondTransport'])
    expect(first[0]!.args).toMatchObject({ commandId, transport: Transport.LayerZero })
    expect((await request(requestId)).status).toBe(Status.Pending)

    // a second packet over the same transport is a duplicate, not the second transport
    const again = await receive(await send(payload, 'ApproveWithdrawal'))
    expect(names(again)).toEqual(['CommandDuplicateIgnored'])
    expect((await request(requestId)).status).toBe(Status.Pending)

    const second = await executeVaa(await vaa(payload))
    expect(names(second)).toEqual(['Transfer', 'WithdrawalExecuted', 'CommandExecuted'])
    expect((await request(requestId)).status).toBe(Status.Executed)
  })

  it('treats a second VAA of a command held from Wormhole as a duplicate', async () => {
    const u = user(2)
    const requestId = await depositAndRequest(2, THRESHOLD)
    const { payload, commandId } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    await executeVaa(await vaa(payload))
    const [id] = await expectRevert(simulateVaa(await vaa(payload)), 'CommandAwaitingOtherTransport')
    expect(id).toBe(commandId)
    expect((await request(requestId)).status).toBe(Status.Pending)
  })

  it('refuses a forged second copy (a VAA not signed by the guardians, a message the DVN did not verify), then executes the genuine one', async () => {
    const u = user(3)
    const requestId = await depositAndRequest(3, THRESHOLD)
    const { payload, commandId } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    await executeVaa(await vaa(payload))

    await expectRevert(simulateVaa(await vaa(payload, [keccak256(toHex('not a guardian'))])), 'InvalidVaa')
    const packet = await send(payload, 'ApproveWithdrawal')
    await verifyPacket(hub.destination(), packet)
    // the executor offers another message under the verified packet's header: the endpoint has no such payload hash
    const forged = { ...packet, message: (await command({ kind: 'ApproveWithdrawal', account: user(0).address, requestId, lockEpoch: 0, commandId })).payload }
    await expectRevert(
      spoke.publicClient.simulateContract({ address: spoke.addresses.layerzero.endpoint, abi: DELIVERY_ABI, functionName: 'lzReceive', args: lzReceiveArgs(forged, vault), account: privateKeyToAccount(devnet.keys.relayer) }),
      'LZ_PayloadHashNotFound',
    )
    expect((await request(requestId)).status).toBe(Status.Pending)
    expect(await held(commandId)).toMatchObject({ transport: Transport.Wormhole, frozen: false })

    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet, vault), gas: 400_000n })
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    expect((await request(requestId)).status).toBe(Status.Executed)
  })

  it('freezes a command whose second copy carries another payload, so that no copy of it ever executes', async () => {
    const u = user(4)
    const requestId = await depositAndRequest(4, THRESHOLD)
    const { payload, commandId } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    // same command id, another payload (a later expiry): what a compromised transport could inject
    const { payload: divergent } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0, commandId, expiry: (await now()) + 7200n })
    await executeVaa(await vaa(payload))

    const mismatch = await receive(await send(divergent, 'ApproveWithdrawal'))
    expect(names(mismatch)).toEqual(['CommandPayloadMismatch'])
    expect(mismatch[0]!.args).toEqual({ commandId, transport: Transport.LayerZero, heldPayloadHash: keccak256(payload), payloadHash: keccak256(divergent) })
    expect(await held(commandId)).toMatchObject({ frozen: true })

    // the genuine copy arriving afterwards over either transport executes nothing
    const genuine = await receive(await send(payload, 'ApproveWithdrawal'))
    expect(names(genuine)).toEqual(['FrozenCommandIgnored'])
    await expectRevert(simulateVaa(await vaa(payload)), 'CommandFrozen')
    expect((await request(requestId)).status).toBe(Status.Pending)
    expect(await executed(commandId)).toBe(false)
  })

  it('checks expiry at each arrival: a second copy after the expiry is refused', async () => {
    const u = user(5)
    const requestId = await depositAndRequest(5, THRESHOLD)
    const { payload } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0, expiry: (await now()) + 600n })
    await executeVaa(await vaa(payload))
    await advanceTime(spoke, 601)
    await expectRevert(simulateVaa(await vaa(payload)), 'CommandExpired')
    const packet = await send(payload, 'ApproveWithdrawal')
    await verifyPacket(hub.destination(), packet)
    await expectRevert(
      spoke.publicClient.simulateContract({ address: spoke.addresses.layerzero.endpoint, abi: DELIVERY_ABI, functionName: 'lzReceive', args: lzReceiveArgs(packet, vault), account: privateKeyToAccount(devnet.keys.relayer) }),
      'CommandExpired',
    )
    expect((await request(requestId)).status).toBe(Status.Pending)
  })

  it('executes a small approval, and a Lock of any account, at their first arrival', async () => {
    const u = user(0)
    const requestId = await depositAndRequest(0, THRESHOLD - 1n)
    const { payload } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    expect(names(await executeVaa(await vaa(payload)))).toEqual(['Transfer', 'WithdrawalExecuted', 'CommandExecuted'])
    const lock = await command({ kind: 'Lock', account: u.address, lockEpoch: 1 })
    expect(names(await receive(await send(lock.payload, 'Lock')))).toEqual(['AccountLocked', 'CommandExecuted'])
  })

  it('holds a Seize at or above the threshold and applies it on the second transport; a smaller one at once', async () => {
    const u = user(1)
    const receiver = privateKeyToAddress(devnet.keys.receiver)
    await depositAndRequest(1, 1n) // the account needs a balance to seize; its request stays pending
    expect((await mintAndDeposit(devnet, spoke, u.key, THRESHOLD)).status).toBe('success')
    const lock = await command({ kind: 'Lock', account: u.address, lockEpoch: 7 })
    await executeVaa(await vaa(lock.payload))

    const small = await command({ kind: 'Seize', account: u.address, lockEpoch: 7, asset: usdc, amount: 1n, receiver })
    expect(names(await executeVaa(await vaa(small.payload)))).toEqual(['Seized', 'CommandExecuted'])
    const large = await command({ kind: 'Seize', account: u.address, lockEpoch: 7, asset: usdc, amount: THRESHOLD, receiver })
    expect(names(await executeVaa(await vaa(large.payload)))).toEqual(['CommandAwaitingSecondTransport'])
    const balance = () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [u.address, usdc] })
    const beforeSecond = await balance()
    expect(names(await receive(await send(large.payload, 'Seize')))).toEqual(['Seized', 'CommandExecuted'])
    expect(await balance()).toBe(beforeSecond - (beforeSecond < THRESHOLD ? beforeSecond : THRESHOLD))
  })
})
