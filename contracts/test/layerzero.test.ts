import { LzEndpointV2, MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Command, commandOptions, type DecodedPacket, encodeCommand, LZ_RECEIVE_GAS } from '@unimargin/protocol'
import { type Abi, type Address, type Hex, keccak256, pad, parseEventLogs, toHex, zeroAddress } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coSign, type Devnet, type DevnetChain, lzReceiveArgs, sentPackets, signPublishedMessages, startDevnet, verifyPacket } from './devnet.js'
import { expectRevert } from './revert.js'

type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> & Partial<C> : never) : never

/** Errors an `EndpointV2.lzReceive` can revert with: the endpoint's own and those the vault (and its tokens) bubble up. */
const DELIVERY_ABI = [...LzEndpointV2.abi, ...MarginVault.abi.filter((x) => x.type === 'error'), ...MockERC20.abi.filter((x) => x.type === 'error')] as Abi

describe('MarginHub → MarginVault over LayerZero v2 (real EndpointV2 and ULN302)', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let spoke: DevnetChain
  let ids = 0

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: 19745 })
    hub = devnet.chains[0]!
    spoke = devnet.chains[1]!
  })
  afterAll(() => devnet?.stop())

  const relayerAccount = () => privateKeyToAccount(devnet.keys.relayer)
  const user = (i: number) => ({ key: devnet.keys.users[i]!, address: privateKeyToAddress(devnet.keys.users[i]!) })
  const destination = () => ({
    publicClient: spoke.publicClient,
    wallet: spoke.wallet(devnet.keys.relayer),
    endpoint: spoke.addresses.layerzero.endpoint,
    receiveLib: spoke.addresses.layerzero.receiveLib,
    worker: spoke.addresses.layerzero.worker,
  })

  async function command(c: CommandInput): Promise<{ payload: Hex; commandId: Hex }> {
    const commandId = c.commandId ?? keccak256(toHex(`lz-test-command-${ids++}`))
    const expiry = (await spoke.publicClient.getBlock()).timestamp + 3600n
    const full = { commandId, destChainId: BigInt(spoke.chainId), vault: spoke.addresses.vault, expiry, ...c } as Command
    return { payload: encodeCommand(full), commandId }
  }

  const quote = (payload: Hex, options: Hex) =>
    hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args: [spoke.addresses.layerzero.eid, payload, options] })

  /** Sends `payload` through MarginHub.publishLz as the relayer, paying the quoted fee; returns the packet. */
  async function send(payload: Hex): Promise<DecodedPacket> {
    const options = commandOptions('Lock')
    const fee = await quote(payload, options)
    const hash = await hub.wallet(devnet.keys.relayer).writeContract({
      address: devnet.hub.address,
      abi: MarginHub.abi,
      functionName: 'publishLz',
      args: [spoke.addresses.layerzero.eid, payload, options, await coSign(devnet, payload)],
      value: fee,
    })
    expect((await hub.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    const [packet] = await sentPackets(hub.publicClient, hash)
    if (!packet) throw new Error('no PacketSent')
    return packet
  }

  const simulateReceive = (packet: DecodedPacket) =>
    spoke.publicClient.simulateContract({
      address: spoke.addresses.layerzero.endpoint,
      abi: DELIVERY_ABI,
      functionName: 'lzReceive',
      args: lzReceiveArgs(packet, spoke.addresses.vault),
      account: relayerAccount(),
    })

  async function receive(packet: DecodedPacket) {
    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({
      address: spoke.addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'lzReceive',
      args: lzReceiveArgs(packet, spoke.addresses.vault),
    })
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    return parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs })
  }

  const lockOf = (account: Address) =>
    spoke.publicClient.readContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })

  it('executes a Lock sent by MarginHub.publishLz on a vault on another chain, with the GUID in CommandExecuted', async () => {
    const account = user(0).address
    const { payload, commandId } = await command({ kind: 'Lock', account, lockEpoch: 1 })
    const packet = await send(payload)
    expect(packet).toMatchObject({ srcEid: devnet.hub.eid, dstEid: spoke.addresses.layerzero.eid, sender: pad(devnet.hub.address).toLowerCase(), message: payload })
    await verifyPacket(destination(), packet)
    const logs = await receive(packet)
    const executed = logs.find((l) => l.eventName === 'CommandExecuted')
    expect(executed?.args).toMatchObject({ commandId, outcome: 0, vmHash: packet.guid })
    expect(await lockOf(account)).toEqual([true, 1])
  })

  it('reaches the vault on the hub\'s own chain through the same endpoint', async () => {
    const account = user(0).address
    const expiry = (await hub.publicClient.getBlock()).timestamp + 3600n
    const payload = encodeCommand({ kind: 'Lock', commandId: keccak256(toHex('lz-loopback')), destChainId: BigInt(hub.chainId), vault: hub.addresses.vault, expiry, account, lockEpoch: 3 })
    const options = commandOptions('Lock')
    const args = [devnet.hub.eid, payload, options] as const
    const fee = await hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
    const hash = await hub
      .wallet(devnet.keys.relayer)
      .writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(devnet, payload)], value: fee })
    await hub.publicClient.waitForTransactionReceipt({ hash })
    const [packet] = await sentPackets(hub.publicClient, hash)
    expect(packet).toMatchObject({ srcEid: devnet.hub.eid, dstEid: devnet.hub.eid })
    const wallet = hub.wallet(devnet.keys.relayer)
    await verifyPacket({ publicClient: hub.publicClient, wallet, endpoint: hub.addresses.layerzero.endpoint, receiveLib: hub.addresses.layerzero.receiveLib, worker: hub.addresses.layerzero.worker }, packet!)
    const receive = await wallet.writeContract({ address: hub.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet!, hub.addresses.vault) })
    expect((await hub.publicClient.waitForTransactionReceipt({ hash: receive })).status).toBe('success')
    expect(await hub.publicClient.readContract({ address: hub.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })).toEqual([true, 3])
  })

  it('refuses to deliver a packet again once it executed', async () => {
    const { payload } = await command({ kind: 'Lock', account: user(1).address, lockEpoch: 1 })
    const packet = await send(payload)
    await verifyPacket(destination(), packet)
    await receive(packet)
    await expectRevert(simulateReceive(packet), 'LZ_PayloadHashNotFound')
  })

  it('consumes a packet whose command a VAA already executed, without applying it twice', async () => {
    const account = user(2).address
    const { payload, commandId } = await command({ kind: 'Lock', account, lockEpoch: 1 })
    // Wormhole first
    const publish = await hub.wallet(devnet.keys.relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, await coSign(devnet, payload)] })
    await hub.publicClient.waitForTransactionReceipt({ hash: publish })
    const [message] = await signPublishedMessages({
      publicClient: hub.publicClient,
      txHash: publish,
      wormhole: hub.addresses.wormhole,
      emitterChain: hub.wormholeChainId,
      guardianKeys: devnet.keys.guardians,
    })
    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [message!.vaa] })
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    // then the same command over LayerZero
    const packet = await send(payload)
    await verifyPacket(destination(), packet)
    const logs = await receive(packet)
    expect(logs.map((l) => l.eventName)).toEqual(['CommandDuplicateIgnored'])
    expect(logs[0]?.args).toEqual({ commandId, guid: packet.guid })
    expect(await lockOf(account)).toEqual([true, 1])
    await expectRevert(simulateReceive(packet), 'LZ_PayloadHashNotFound')
  })

  it('refuses the VAA of a command LayerZero already delivered', async () => {
    const { payload } = await command({ kind: 'Lock', account: user(3).address, lockEpoch: 1 })
    const packet = await send(payload)
    await verifyPacket(destination(), packet)
    await receive(packet)
    const publish = await hub.wallet(devnet.keys.relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, await coSign(devnet, payload)] })
    await hub.publicClient.waitForTransactionReceipt({ hash: publish })
    const [message] = await signPublishedMessages({
      publicClient: hub.publicClient,
      txHash: publish,
      wormhole: hub.addresses.wormhole,
      emitterChain: hub.wormholeChainId,
      guardianKeys: devnet.keys.guardians,
    })
    await expectRevert(
      spoke.publicClient.simulateContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [message!.vaa], account: relayerAccount() }),
      'CommandAlreadyExecuted',
    )
  })

  it('leaves a packet verified when the vault reverts, so a later retry executes it', async () => {
    const u = user(4)
    const usdc = spoke.addresses.tokens.USDC
    const vault = spoke.addresses.vault
    const wallet = spoke.wallet(u.key)
    await devnet.mint(spoke.chainId, 'USDC', u.address, 500n)
    const wait = async (hash: Promise<Hex>) => expect((await spoke.publicClient.waitForTransactionReceipt({ hash: await hash })).status).toBe('success')
    await wait(wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'approve', args: [vault, 500n] }))
    await wait(wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [usdc, 500n, u.address] }))
    const requestId = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'nextRequestId' })
    await wait(wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args: [usdc, 200n, u.address] }))
    const { payload } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })
    const packet = await send(payload)
    await verifyPacket(destination(), packet)

    await wait(wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'setTransfersBlocked', args: [true] }))
    await expectRevert(simulateReceive(packet), 'TransfersBlocked')
    const pending = await spoke.publicClient.readContract({
      address: spoke.addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundPayloadHash',
      args: [vault, packet.srcEid, packet.sender, packet.nonce],
    })
    expect(pending).toBe(packet.payloadHash)

    await wait(wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'setTransfersBlocked', args: [false] }))
    const logs = await receive(packet)
    expect(logs.map((l) => l.eventName)).toEqual(['WithdrawalExecuted', 'CommandExecuted'])
    expect(await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [u.address] })).toBe(200n)
  })

  it('executes a packet only once every earlier nonce on its path is verified', async () => {
    const first = await send((await command({ kind: 'Lock', account: user(5).address, lockEpoch: 1 })).payload)
    const second = await send((await command({ kind: 'Lock', account: user(5).address, lockEpoch: 2 })).payload)
    expect(second.nonce).toBe(first.nonce + 1n)
    await verifyPacket(destination(), second)
    await expectRevert(simulateReceive(second), 'LZ_InvalidNonce')
    await verifyPacket(destination(), first)
    await receive(first)
    await receive(second)
    expect(await lockOf(user(5).address)).toEqual([true, 2])
  })

  it('accepts lzReceive only from the endpoint, and keeps MarginHub as its only peer', async () => {
    const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
    const origin = { srcEid: devnet.hub.eid, sender: pad(devnet.hub.address), nonce: 1n }
    await expectRevert(
      spoke.publicClient.simulateContract({
        address: spoke.addresses.vault,
        abi: MarginVault.abi,
        functionName: 'lzReceive',
        args: [origin, keccak256('0x01'), payload, relayerAccount().address, '0x'],
        account: relayerAccount(),
      }),
      'OnlyEndpoint',
    )
    const read = (eid: number) => spoke.publicClient.readContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'peers', args: [eid] })
    expect(await read(devnet.hub.eid)).toBe(pad(devnet.hub.address).toLowerCase())
    expect(await read(spoke.addresses.layerzero.eid)).toBe(pad('0x00'))
    await expectRevert(
      spoke.publicClient.simulateContract({
        address: spoke.addresses.vault,
        // setPeer is pure on the vault (it always reverts), so the typed ABI only offers it as a read
        abi: MarginVault.abi as Abi,
        functionName: 'setPeer',
        args: [spoke.addresses.layerzero.eid, pad(user(0).address)],
        account: privateKeyToAccount(devnet.keys.deployer),
      }),
      'PeerFixed',
    )
  })

  it('applies a SetLimits packet within the lzReceive gas the protocol asks for that kind', async () => {
    const asset = '0x000000000000000000000000000000000000bEEF' // not collateral: other tests' payouts stay unlimited
    const { payload } = await command({ kind: 'SetLimits', account: zeroAddress, asset, outflowLimit: 10n ** 30n, periodSeconds: 3600, paused: true, limitsSequence: 1n })
    const packet = await send(payload)
    await verifyPacket(destination(), packet)
    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({
      address: spoke.addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'lzReceive',
      args: lzReceiveArgs(packet, spoke.addresses.vault),
    })
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.gasUsed).toBeLessThan(LZ_RECEIVE_GAS.SetLimits)
    const [set] = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'LimitsSet' })
    expect(set?.args).toEqual({ asset, outflowLimit: 10n ** 30n, periodSeconds: 3600, paused: true, limitsSequence: 1n })
  })

  it('consumes an older SetLimits packet arriving after a newer VAA as Superseded, keeping the newer pause', async () => {
    const asset = '0x000000000000000000000000000000000000cafE' // not collateral: other tests' payouts stay unlimited
    const limits = { kind: 'SetLimits', account: zeroAddress, asset, outflowLimit: 0n, periodSeconds: 0 } as const
    const unpause = await command({ ...limits, paused: false, limitsSequence: 1n })
    const pause = await command({ ...limits, paused: true, limitsSequence: 2n })
    const packet = await send(unpause.payload)

    // the newer pause goes over Wormhole and lands first
    const publish = await hub.wallet(devnet.keys.relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [pause.payload, await coSign(devnet, pause.payload)] })
    await hub.publicClient.waitForTransactionReceipt({ hash: publish })
    const [message] = await signPublishedMessages({
      publicClient: hub.publicClient,
      txHash: publish,
      wormhole: hub.addresses.wormhole,
      emitterChain: hub.wormholeChainId,
      guardianKeys: devnet.keys.guardians,
    })
    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [message!.vaa] })
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')

    // then the older un-pause packet
    await verifyPacket(destination(), packet)
    const logs = await receive(packet)
    expect(logs.map((l) => l.eventName)).toEqual(['CommandExecuted'])
    expect(logs[0]?.args).toMatchObject({ commandId: unpause.commandId, kind: 6, outcome: 6, vmHash: packet.guid })
    const inForce = await spoke.publicClient.readContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'limitsOf', args: [asset] })
    expect(inForce).toEqual({ outflowLimit: 0n, periodSeconds: 0, paused: true, limitsSequence: 2n })
    await expectRevert(simulateReceive(packet), 'LZ_PayloadHashNotFound')
  })

  it('pays an approval under an active outflow limit within the lzReceive gas the protocol asks for', async () => {
    const u = user(4) // unlocked (the Lock tests use other accounts)
    const eth = spoke.addresses.tokens.ETH
    const vault = spoke.addresses.vault
    const wallet = spoke.wallet(u.key)
    const wait = async (hash: Promise<Hex>) => (await spoke.publicClient.waitForTransactionReceipt({ hash: await hash })).status
    const deliver = async (payload: Hex) => {
      const packet = await send(payload)
      await verifyPacket(destination(), packet)
      const hash = spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet, vault) })
      return spoke.publicClient.waitForTransactionReceipt({ hash: await hash })
    }
    await deliver((await command({ kind: 'SetLimits', account: zeroAddress, asset: eth, outflowLimit: 10n ** 18n, periodSeconds: 3600, paused: false, limitsSequence: 1n })).payload)
    await devnet.mint(spoke.chainId, 'ETH', u.address, 500n)
    expect(await wait(wallet.writeContract({ address: eth, abi: MockERC20.abi, functionName: 'approve', args: [vault, 500n] }))).toBe('success')
    expect(await wait(wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [eth, 500n, u.address] }))).toBe('success')
    const requestId = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'nextRequestId' })
    expect(await wait(wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args: [eth, 200n, u.address] }))).toBe('success')

    const receipt = await deliver((await command({ kind: 'ApproveWithdrawal', account: u.address, requestId, lockEpoch: 0 })).payload)
    expect(receipt.status).toBe('success')
    expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs }).map((l) => l.eventName)).toEqual(['WithdrawalExecuted', 'CommandExecuted'])
    expect(receipt.gasUsed).toBeLessThan(LZ_RECEIVE_GAS.ApproveWithdrawal)
    expect(await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'outflowAllowance', args: [eth] })).toBe(10n ** 18n - 200n)
  })

  it('lets only publishers send, charges the quoted fee and refunds any excess', async () => {
    const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
    const options = commandOptions('Lock')
    const fee = await quote(payload, options)
    expect(fee).toBe(2n * 10n ** 12n)
    const signatures = await coSign(devnet, payload)
    const simulate = (account: Hex, value: bigint) =>
      hub.publicClient.simulateContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publishLz',
        args: [spoke.addresses.layerzero.eid, payload, options, signatures],
        value,
        account: privateKeyToAccount(account),
      })
    await expectRevert(simulate(devnet.keys.users[0]!, fee), 'NotPublisher')
    await expectRevert(simulate(devnet.keys.relayer, fee - 1n), 'InsufficientFee')
    const { request, result } = await simulate(devnet.keys.relayer, fee * 10n)
    expect(result.fee.nativeFee).toBe(fee)
    const before = await hub.publicClient.getBalance({ address: relayerAccount().address })
    const hash = await hub.wallet(devnet.keys.relayer).writeContract(request)
    const receipt = await hub.publicClient.waitForTransactionReceipt({ hash })
    const after = await hub.publicClient.getBalance({ address: relayerAccount().address })
    expect(before - after).toBe(fee + receipt.gasUsed * receipt.effectiveGasPrice)
    const [sent] = parseEventLogs({ abi: MarginHub.abi, logs: receipt.logs, eventName: 'CommandSentLz' })
    expect(sent?.args).toMatchObject({ dstEid: spoke.addresses.layerzero.eid, nonce: result.nonce, guid: result.guid, nativeFee: fee })
  })
})
