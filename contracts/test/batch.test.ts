import { LzEndpointV2, LzReceiveUln302, LzWorker, MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import { type Command, CommandDecodeError, commandOptions, type DecodedPacket, encodeCommand, LZ_RECEIVE_GAS, workerDelivery } from '@unimargin/protocol'
import { type Abi, type Address, type BaseError, ContractFunctionRevertedError, decodeErrorResult, encodePacked, getAddress, type Hash, type Hex, keccak256, pad, parseEventLogs, slice, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coSign, type Devnet, type DevnetChain, sentPackets, signPublishedMessages, signTestVaa, startDevnet } from './devnet.js'
import { expectRevert } from './revert.js'

// Omit over a union must distribute, or the kind-specific fields are lost.
type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> & Partial<C> : never) : never

/** Errors a failed verification or commit through the worker carries: the receive library's and the endpoint's. */
const VERIFY_ABI = [...LzReceiveUln302.abi.filter((x) => x.type === 'error'), ...LzEndpointV2.abi.filter((x) => x.type === 'error')] as Abi

/** Wormhole's governance emitter on the devnet (chain 1, contract 0x…04) and the core module's name, "Core". */
const GOVERNANCE_CHAIN_ID = 1
const GOVERNANCE_CONTRACT = pad('0x04', { size: 32 })
const CORE_MODULE = pad(toHex('Core'), { size: 32 })

describe('batch entry points: MarginHub.publishBatch/publishLzBatch, MarginVault.executeCommands, LzWorker.deliver', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let spoke: DevnetChain
  let ids = 0
  let governanceSequence = 0n

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: 23045 })
    hub = devnet.chains[0]!
    spoke = devnet.chains[1]!
  })
  afterAll(() => devnet?.stop())

  const relayer = () => privateKeyToAccount(devnet.keys.relayer)
  /** A fresh account address per label: no other test touches its lock. */
  const account = (label: string): Address => getAddress(slice(keccak256(toHex(`batch-test-account-${label}`)), 12))
  const now = async (chain: DevnetChain) => (await chain.publicClient.getBlock()).timestamp

  /** Encodes a command for `chain`'s vault (default the spoke), valid for an hour by that chain's clock. */
  async function command(c: CommandInput, chain: DevnetChain = spoke): Promise<{ payload: Hex; commandId: Hex }> {
    const commandId = c.commandId ?? keccak256(toHex(`batch-test-command-${ids++}`))
    const full = { commandId, destChainId: BigInt(chain.chainId), vault: chain.addresses.vault, expiry: (await now(chain)) + 3600n, ...c } as Command
    return { payload: encodeCommand(full), commandId }
  }
  const lock = (label: string, lockEpoch = 1, extra: Partial<CommandInput> = {}, chain: DevnetChain = spoke) =>
    command({ kind: 'Lock', account: account(label), lockEpoch, ...extra } as CommandInput, chain)

  async function mined(chain: DevnetChain, hash: Promise<Hash> | Hash) {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash })
    expect(receipt.status).toBe('success')
    return receipt
  }

  const lockOf = (a: Address, chain: DevnetChain = spoke) =>
    chain.publicClient.readContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [a] })

  // ------------------------------------------------------------------ Wormhole

  const messageFee = () => hub.publicClient.readContract({ address: hub.addresses.wormhole, abi: WormholeCore.abi, functionName: 'messageFee' })
  const nextSequence = () =>
    hub.publicClient.readContract({ address: hub.addresses.wormhole, abi: WormholeCore.abi, functionName: 'nextSequence', args: [devnet.hub.address] })

  /** Sets the hub's Wormhole message fee through a governance VAA signed by the devnet guardians. */
  async function setMessageFee(fee: bigint): Promise<void> {
    const vaa = await signTestVaa({
      guardianKeys: devnet.keys.guardians,
      emitterChain: GOVERNANCE_CHAIN_ID,
      emitterAddress: GOVERNANCE_CONTRACT,
      sequence: governanceSequence++,
      payload: encodePacked(['bytes32', 'uint8', 'uint16', 'uint256'], [CORE_MODULE, 3, hub.wormholeChainId, fee]),
    })
    await mined(hub, hub.walletClient.writeContract({ address: hub.addresses.wormhole, abi: WormholeCore.abi, functionName: 'submitSetMessageFee', args: [vaa] }))
    expect(await messageFee()).toBe(fee)
  }

  /** 2-of-3 co-signatures of each payload; none for one that does not decode (the hub rejects it before checking them) */
  const coSignAll = (payloads: readonly Hex[]) =>
    Promise.all(payloads.map((p) => coSign(devnet, p).catch((e: unknown) => (e instanceof CommandDecodeError ? [] : Promise.reject(e)))))
  const simulatePublishBatch = async (payloads: Hex[], value: bigint, key: Hex = devnet.keys.relayer) =>
    hub.publicClient.simulateContract({
      address: devnet.hub.address,
      abi: MarginHub.abi,
      functionName: 'publishBatch',
      args: [payloads, await coSignAll(payloads)],
      value,
      account: privateKeyToAccount(key),
    })

  /** Publishes `payloads` with MarginHub.publishBatch as the relayer, paying the fee; returns the signed VAAs in order. */
  async function publishBatch(payloads: Hex[]) {
    const { request, result } = await simulatePublishBatch(payloads, (await messageFee()) * BigInt(payloads.length))
    const receipt = await mined(hub, hub.wallet(devnet.keys.relayer).writeContract(request))
    const messages = await signPublishedMessages({
      publicClient: hub.publicClient,
      txHash: receipt.transactionHash,
      wormhole: hub.addresses.wormhole,
      emitterChain: hub.wormholeChainId,
      guardianKeys: devnet.keys.guardians,
    })
    return { receipt, sequences: result, messages }
  }

  const simulateExecute = (vaa: Hex) =>
    spoke.publicClient.simulateContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa], account: relayer() })

  describe('MarginHub.publishBatch', () => {
    it('publishes one Wormhole message per payload, with consecutive sequences and a CommandPublished for each', async () => {
      const commands = await Promise.all(['p0', 'p1', 'p2'].map((l) => lock(l)))
      const first = await nextSequence()
      const { receipt, sequences, messages } = await publishBatch(commands.map((c) => c.payload))
      expect(sequences).toEqual([first, first + 1n, first + 2n])
      expect(await nextSequence()).toBe(first + 3n)

      const published = parseEventLogs({ abi: WormholeCore.abi, logs: receipt.logs, eventName: 'LogMessagePublished' })
      expect(published.map((l) => [getAddress(l.address), getAddress(l.args.sender), l.args.sequence, l.args.payload])).toEqual(
        commands.map((c, i) => [getAddress(hub.addresses.wormhole), getAddress(devnet.hub.address), first + BigInt(i), c.payload]),
      )
      const events = parseEventLogs({ abi: MarginHub.abi, logs: receipt.logs, eventName: 'CommandPublished' })
      expect(events.map((e) => e.args)).toEqual(commands.map((c, i) => ({ commandId: c.commandId, sequence: first + BigInt(i) })))
      expect(messages.map((m) => m.sequence)).toEqual(sequences)
    })

    it('reverts the whole batch, publishing nothing, when one payload is malformed', async () => {
      const [a, b] = await Promise.all([lock('m0'), lock('m1')])
      const payloads: Hex[] = [a.payload, `${b.payload}00`, a.payload]
      // a Lock is 94 bytes; the second payload has one too many
      expect(await expectRevert(simulatePublishBatch(payloads, 0n), 'WrongPayloadLength')).toEqual([3, 95n, 94n])

      // Mined anyway (gas given, so no estimate refuses it): it reverts and the sequence does not move.
      const before = await nextSequence()
      const hash = await hub.wallet(devnet.keys.relayer).writeContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publishBatch',
        args: [payloads, await coSignAll(payloads)],
        gas: 1_000_000n,
      })
      const receipt = await hub.publicClient.waitForTransactionReceipt({ hash })
      expect(receipt.status).toBe('reverted')
      expect(receipt.logs).toEqual([])
      expect(await nextSequence()).toBe(before)
    })

    it('lets only publishers publish a batch', async () => {
      const { payload } = await lock('np')
      await expectRevert(simulatePublishBatch([payload], 0n, devnet.keys.users[0]!), 'NotPublisher')
    })

    it('charges the Wormhole message fee once per payload, reverts InsufficientFee below that and refunds any excess', async () => {
      expect(await messageFee()).toBe(0n)
      const fee = 1_000n
      await setMessageFee(fee)
      try {
        const payloads = (await Promise.all(['f0', 'f1', 'f2'].map((l) => lock(l)))).map((c) => c.payload)
        expect(await expectRevert(simulatePublishBatch(payloads, 3n * fee - 1n), 'InsufficientFee')).toEqual([3n * fee - 1n, 3n * fee])

        const { request } = await simulatePublishBatch(payloads, 5n * fee)
        const balance = (address: Address) => hub.publicClient.getBalance({ address })
        const [relayerBefore, coreBefore] = await Promise.all([balance(relayer().address), balance(hub.addresses.wormhole)])
        const receipt = await mined(hub, hub.wallet(devnet.keys.relayer).writeContract(request))
        const [relayerAfter, coreAfter, hubAfter] = await Promise.all([balance(relayer().address), balance(hub.addresses.wormhole), balance(devnet.hub.address)])
        expect(relayerBefore - relayerAfter).toBe(3n * fee + receipt.gasUsed * receipt.effectiveGasPrice)
        expect(coreAfter - coreBefore).toBe(3n * fee)
        expect(hubAfter).toBe(0n)
        expect(parseEventLogs({ abi: WormholeCore.abi, logs: receipt.logs, eventName: 'LogMessagePublished' })).toHaveLength(3)
      } finally {
        await setMessageFee(0n)
      }
    })
  })

  describe('MarginVault.executeCommands', () => {
    it('applies every valid VAA of a batch and reports each failing one with its index, VAA digest and revert reason', async () => {
      const a = await lock('e0')
      const b = await lock('e1')
      const c = await lock('e2')
      const wrongVault = await lock('e3', 1, { vault: spoke.addresses.tokens.ETH })
      const expired = await lock('e4', 1, { expiry: (await now(spoke)) - 1n })
      // item 2 carries command a again in a VAA of its own (another sequence)
      const { messages } = await publishBatch([a.payload, b.payload, a.payload, wrongVault.payload, expired.payload, c.payload])
      const vaas = messages.map((m) => m.vaa)
      expect(vaas[2]).not.toBe(vaas[0])

      const { request, result } = await spoke.publicClient.simulateContract({
        address: spoke.addresses.vault,
        abi: MarginVault.abi,
        functionName: 'executeCommands',
        args: [vaas],
        account: relayer(),
      })
      expect(result).toEqual([true, true, false, false, false, true])
      const receipt = await mined(spoke, spoke.wallet(devnet.keys.relayer).writeContract(request))
      const logs = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs }).filter(
        (l) => l.eventName === 'CommandExecuted' || l.eventName === 'CommandDeliveryFailed',
      )
      expect(logs.map((l) => l.eventName)).toEqual(['CommandExecuted', 'CommandExecuted', 'CommandDeliveryFailed', 'CommandDeliveryFailed', 'CommandDeliveryFailed', 'CommandExecuted'])

      const executed = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandExecuted' })
      expect(executed.map((e) => [e.args.commandId, e.args.outcome])).toEqual([
        [a.commandId, 0],
        [b.commandId, 0],
        [c.commandId, 0],
      ])
      const failed = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandDeliveryFailed' })
      expect(failed.map((f) => [f.args.index, f.args.vaaDigest])).toEqual([
        [2n, keccak256(vaas[2]!)],
        [3n, keccak256(vaas[3]!)],
        [4n, keccak256(vaas[4]!)],
      ])
      const reasons = failed.map((f) => decodeErrorResult({ abi: MarginVault.abi, data: f.args.reason }))
      expect(reasons.map((r) => r.errorName)).toEqual(['CommandAlreadyExecuted', 'WrongDestination', 'CommandExpired'])
      expect(reasons[0]!.args).toEqual([a.commandId])
      expect(reasons[1]!.args).toEqual([BigInt(spoke.chainId), getAddress(spoke.addresses.tokens.ETH)])

      for (const label of ['e0', 'e1', 'e2']) expect(await lockOf(account(label))).toEqual([true, 1])
      for (const label of ['e3', 'e4']) expect(await lockOf(account(label))).toEqual([false, 0])
      // a skipped item's state changes are undone: its VAA was not marked consumed
      await expectRevert(simulateExecute(vaas[2]!), 'CommandAlreadyExecuted')
      await expectRevert(simulateExecute(vaas[4]!), 'CommandExpired')
    })

    it('applies nothing twice when the same batch is relayed again: every item fails VaaAlreadyConsumed', async () => {
      const commands = await Promise.all(['r0', 'r1'].map((l) => lock(l)))
      const vaas = (await publishBatch(commands.map((c) => c.payload))).messages.map((m) => m.vaa)
      const execute = async () =>
        mined(spoke, spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommands', args: [vaas] }))
      expect(parseEventLogs({ abi: MarginVault.abi, logs: (await execute()).logs, eventName: 'CommandExecuted' })).toHaveLength(2)
      const again = await execute()
      expect(parseEventLogs({ abi: MarginVault.abi, logs: again.logs, eventName: 'CommandExecuted' })).toEqual([])
      const failed = parseEventLogs({ abi: MarginVault.abi, logs: again.logs, eventName: 'CommandDeliveryFailed' })
      expect(failed.map((f) => [f.args.index, decodeErrorResult({ abi: MarginVault.abi, data: f.args.reason }).errorName])).toEqual([
        [0n, 'VaaAlreadyConsumed'],
        [1n, 'VaaAlreadyConsumed'],
      ])
    })
  })

  // ------------------------------------------------------------------ LayerZero

  interface LzItem {
    chain: DevnetChain
    payload: Hex
    commandId: Hex
    options: Hex
  }

  const eid = (chain: DevnetChain) => chain.addresses.layerzero.eid
  const quote = (item: LzItem) =>
    hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args: [eid(item.chain), item.payload, item.options] })
  const batchArgs = (items: LzItem[]) => [items.map((i) => eid(i.chain)), items.map((i) => i.payload), items.map((i) => i.options)] as const
  /** each item's fee, wei, as MarginHub.quoteBatch gives it */
  const quoteBatch = (items: LzItem[]) =>
    hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quoteBatch', args: batchArgs(items) })
  const sum = (xs: readonly bigint[]) => xs.reduce((s, x) => s + x, 0n)
  /** publishLzBatch of `items` offering `fees` (default: as quoted now), paying `value` */
  const simulatePublishLzBatch = async (items: LzItem[], value: bigint, fees?: readonly bigint[]) =>
    hub.publicClient.simulateContract({
      address: devnet.hub.address,
      abi: MarginHub.abi,
      functionName: 'publishLzBatch',
      args: [...batchArgs(items), fees ?? (await quoteBatch(items)), await coSignAll(items.map((i) => i.payload))],
      value,
      account: relayer(),
    })
  const outboundNonce = (chain: DevnetChain) =>
    hub.publicClient.readContract({
      address: hub.addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'outboundNonce',
      args: [devnet.hub.address, eid(chain), pad(chain.addresses.vault)],
    })

  async function lzLock(label: string, extra: Partial<CommandInput> = {}, chain: DevnetChain = spoke): Promise<LzItem> {
    return { chain, ...(await lock(label, 1, extra, chain)), options: commandOptions('Lock') }
  }

  /** Sends `items` with MarginHub.publishLzBatch as the relayer, paying the quoted total; returns the packets in order. */
  async function sendBatch(items: LzItem[]): Promise<DecodedPacket[]> {
    const fees = await quoteBatch(items)
    const { request } = await simulatePublishLzBatch(items, sum(fees), fees)
    const receipt = await mined(hub, hub.wallet(devnet.keys.relayer).writeContract(request))
    const packets = await sentPackets(hub.publicClient, receipt.transactionHash)
    expect(packets.map((p) => p.message)).toEqual(items.map((i) => i.payload))
    return packets
  }

  const worker = () => spoke.addresses.layerzero.worker
  /** Gas limit of the tests' LzWorker.deliver transactions: ample for their batches. */
  const DELIVER_GAS = 5_000_000n
  const deliveries = (packets: DecodedPacket[]) => packets.map((p) => workerDelivery(p, LZ_RECEIVE_GAS.Lock))
  const deliverArgs = (packets: DecodedPacket[], execute: boolean, chain: DevnetChain, afterNonce: bigint) =>
    [chain.addresses.layerzero.receiveLib, chain.addresses.layerzero.endpoint, 2n, deliveries(packets), execute, afterNonce] as const
  const simulateDeliver = (packets: DecodedPacket[], execute: boolean, key: Hex = devnet.keys.relayer, chain: DevnetChain = spoke, afterNonce = 0n) =>
    chain.publicClient.simulateContract({
      address: chain.addresses.layerzero.worker,
      abi: LzWorker.abi,
      functionName: 'deliver',
      args: deliverArgs(packets, execute, chain, afterNonce),
      account: privateKeyToAccount(key),
      // a set limit, as the relayer gives: the worker holds packets it is short of gas for rather than reverting, so a
      // node's estimate would find the least gas at which every packet is held
      gas: DELIVER_GAS,
    })
  /**
   * Delivers `packets` on `chain` (default the spoke) in one LzWorker.deliver transaction as the relayer, guarded by
   * `afterNonce` (default 0: none); returns what deliver returned and the receipt. Every packet a test sends must be
   * delivered: an undelivered nonce keeps the later ones on its path from executing.
   */
  async function deliver(packets: DecodedPacket[], execute: boolean, chain: DevnetChain = spoke, afterNonce = 0n) {
    const { request, result } = await simulateDeliver(packets, execute, devnet.keys.relayer, chain, afterNonce)
    const receipt = await mined(chain, chain.wallet(devnet.keys.relayer).writeContract(request))
    return { result, receipt }
  }

  describe('MarginHub.quoteBatch and publishLzBatch', () => {
    it('quotes each item of a batch as its own quote', async () => {
      const items: LzItem[] = [
        await lzLock('q0'),
        { chain: spoke, ...(await command({ kind: 'Unlock', account: account('q0'), lockEpoch: 1 })), options: commandOptions('Unlock') },
        await lzLock('q1', {}, hub),
      ]
      const each = await Promise.all(items.map(quote))
      expect(each.every((f) => f > 0n)).toBe(true)
      expect(await quoteBatch(items)).toEqual(each)
      expect(await quoteBatch([])).toEqual([])
      await expectRevert(
        hub.publicClient.readContract({
          address: devnet.hub.address,
          abi: MarginHub.abi,
          functionName: 'quoteBatch',
          args: [[eid(spoke)], items.map((i) => i.payload), items.map((i) => i.options)],
        }),
        'LengthMismatch',
      )
    })

    it('sends one packet per item in order, with consecutive nonces per path, charging the quoted total and refunding the excess', async () => {
      const items = [await lzLock('s0'), await lzLock('s1', {}, hub), await lzLock('s2'), await lzLock('s3')]
      const [spokeNonce, hubNonce] = [await outboundNonce(spoke), await outboundNonce(hub)]
      const fees = await Promise.all(items.map(quote))
      expect(await quoteBatch(items)).toEqual(fees)
      const total = sum(fees)
      const { request, result } = await simulatePublishLzBatch(items, total * 3n, fees)

      const balance = (address: Address) => hub.publicClient.getBalance({ address })
      const before = await balance(relayer().address)
      const receipt = await mined(hub, hub.wallet(devnet.keys.relayer).writeContract(request))
      const after = await balance(relayer().address)
      expect(before - after).toBe(total + receipt.gasUsed * receipt.effectiveGasPrice)
      expect(await balance(devnet.hub.address)).toBe(0n)

      const packets = await sentPackets(hub.publicClient, receipt.transactionHash)
      const expectedNonces = [spokeNonce + 1n, hubNonce + 1n, spokeNonce + 2n, spokeNonce + 3n]
      expect(packets.map((p) => [p.dstEid, p.nonce, p.message])).toEqual(items.map((item, i) => [eid(item.chain), expectedNonces[i], item.payload]))
      expect(result.map((r) => [r.guid, r.nonce, r.fee.nativeFee])).toEqual(packets.map((p, i) => [p.guid, p.nonce, fees[i]]))
      const sent = parseEventLogs({ abi: MarginHub.abi, logs: receipt.logs, eventName: 'CommandSentLz' })
      expect(sent.map((e) => e.args)).toEqual(
        items.map((item, i) => ({ commandId: item.commandId, dstEid: eid(item.chain), guid: packets[i]!.guid, nonce: expectedNonces[i], nativeFee: fees[i] })),
      )
      expect([await outboundNonce(spoke), await outboundNonce(hub)]).toEqual([spokeNonce + 3n, hubNonce + 1n])
      // each packet reaches its vault, on the hub's own chain too
      expect((await deliver([packets[0]!, packets[2]!, packets[3]!], true)).result).toEqual([true, true, true])
      expect((await deliver([packets[1]!], true, hub)).result).toEqual([true])
      for (const label of ['s0', 's2', 's3']) expect(await lockOf(account(label))).toEqual([true, 1])
      expect(await lockOf(account('s1'), hub)).toEqual([true, 1])
    })

    it('charges each send what the endpoint asks and refunds a fee offered above it to the caller', async () => {
      const items = [await lzLock('o0'), await lzLock('o1')]
      const fees = await quoteBatch(items)
      const offered = [fees[0]! * 2n, fees[1]!]
      const { request, result } = await simulatePublishLzBatch(items, sum(offered), offered)
      expect(result.map((r) => r.fee.nativeFee)).toEqual(fees)
      const before = await hub.publicClient.getBalance({ address: relayer().address })
      const receipt = await mined(hub, hub.wallet(devnet.keys.relayer).writeContract(request))
      const after = await hub.publicClient.getBalance({ address: relayer().address })
      expect(before - after).toBe(sum(fees) + receipt.gasUsed * receipt.effectiveGasPrice)
      const packets = await sentPackets(hub.publicClient, receipt.transactionHash)
      expect((await deliver(packets, true)).result).toEqual([true, true])
    })

    it('reverts a batch paid less than the quoted total, sending nothing', async () => {
      const items = [await lzLock('u0'), await lzLock('u1')]
      const fees = await Promise.all(items.map(quote))
      const total = sum(fees)
      expect(await expectRevert(simulatePublishLzBatch(items, total - 1n, fees), 'InsufficientFee')).toEqual([fees[1]! - 1n, fees[1]])
      await expectRevert(simulatePublishLzBatch(items, 0n, fees), 'InsufficientFee')
      // msg.value covers the fees offered, but one fee no longer covers what the endpoint charges: nothing is sent
      const short = [fees[0]!, fees[1]! - 1n]
      const error = await simulatePublishLzBatch(items, total, short).then(
        () => undefined,
        (e: BaseError) => e,
      )
      const raw = error?.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | undefined
      const reverted = decodeErrorResult({ abi: LzEndpointV2.abi, data: raw!.raw! })
      expect(reverted.errorName).toBe('LZ_InsufficientFee')

      const before = await outboundNonce(spoke)
      const hash = await hub.wallet(devnet.keys.relayer).writeContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publishLzBatch',
        args: [...batchArgs(items), fees, await coSignAll(items.map((i) => i.payload))],
        value: total - 1n,
        gas: 2_000_000n,
      })
      const receipt = await hub.publicClient.waitForTransactionReceipt({ hash })
      expect(receipt.status).toBe('reverted')
      expect(receipt.logs).toEqual([])
      expect(await outboundNonce(spoke)).toBe(before)
    })
  })

  describe('LzWorker.deliver', () => {
    const held = (p: DecodedPacket) =>
      spoke.publicClient.readContract({
        address: spoke.addresses.layerzero.endpoint,
        abi: LzEndpointV2.abi,
        functionName: 'inboundPayloadHash',
        args: [spoke.addresses.vault, p.srcEid, p.sender, p.nonce],
      })
    const executedIds = (logs: Parameters<typeof parseEventLogs>[0]['logs']) =>
      parseEventLogs({ abi: MarginVault.abi, logs, eventName: 'CommandExecuted' }).map((e) => [e.args.commandId, e.args.vmHash])

    it('refuses a caller that is not an operator', async () => {
      const [packet] = await sendBatch([await lzLock('d-no')])
      const stranger = devnet.keys.users[0]!
      expect(await expectRevert(simulateDeliver([packet!], true, stranger), 'NotOperator')).toEqual([privateKeyToAccount(stranger).address])
      expect(
        await spoke.publicClient.readContract({ address: worker(), abi: LzWorker.abi, functionName: 'isOperator', args: [relayer().address] }),
      ).toBe(true)
      expect((await deliver([packet!], true)).result).toEqual([true])
    })

    it('verifies, commits and executes a batch of packets in one transaction', async () => {
      const items = [await lzLock('d0'), await lzLock('d1'), await lzLock('d2')]
      const packets = await sendBatch(items)
      const { result, receipt } = await deliver(packets, true)
      expect(result).toEqual([true, true, true])
      expect(executedIds(receipt.logs)).toEqual(items.map((item, i) => [item.commandId, packets[i]!.guid]))
      const endpointLogs = parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs })
      expect(endpointLogs.filter((l) => l.eventName === 'PacketVerified')).toHaveLength(3)
      expect(endpointLogs.filter((l) => l.eventName === 'PacketDelivered')).toHaveLength(3)
      expect(parseEventLogs({ abi: LzWorker.abi, logs: receipt.logs, eventName: 'VerificationFailed' })).toEqual([])
      for (const label of ['d0', 'd1', 'd2']) expect(await lockOf(account(label))).toEqual([true, 1])
      for (const p of packets) expect(await held(p)).toBe(pad('0x00'))
    })

    it('stops at the first packet it cannot give its full lzReceive gas with GasHeld, leaving it and the later ones untouched for a later call', async () => {
      const items = [await lzLock('g0'), await lzLock('g1'), await lzLock('g2')]
      const packets = await sendBatch(items)
      const reserve = await spoke.publicClient.readContract({ address: worker(), abi: LzWorker.abi, functionName: 'PACKET_GAS_RESERVE' })
      const needed = reserve + LZ_RECEIVE_GAS.Lock + LZ_RECEIVE_GAS.Lock / 63n
      // room for the first packet's full needs, and after it has run (≈ 110k) less than the second one needs
      const { request } = await simulateDeliver(packets, true)
      const receipt = await mined(spoke, spoke.wallet(devnet.keys.relayer).writeContract({ ...request, gas: needed + 80_000n }))
      expect(executedIds(receipt.logs)).toEqual([[items[0]!.commandId, packets[0]!.guid]])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketVerified' })).toHaveLength(1)
      const [gasHeld, ...more] = parseEventLogs({ abi: LzWorker.abi, logs: receipt.logs, eventName: 'GasHeld' })
      expect(more).toEqual([])
      expect(gasHeld!.args.guid).toBe(packets[1]!.guid)
      expect(gasHeld!.args.gasNeeded).toBe(needed)
      expect(gasHeld!.args.gasLeft).toBeLessThan(needed)
      expect(await lockOf(account('g1'))).toEqual([false, 0])

      const rest = await deliver(packets.slice(1), true)
      expect(rest.result).toEqual([true, true])
      expect(executedIds(rest.receipt.logs)).toEqual(items.slice(1).map((item, i) => [item.commandId, packets[i + 1]!.guid]))
    })

    it('leaves packets verified but not executed when execute is false, and executes them on a later call', async () => {
      const items = [await lzLock('v0'), await lzLock('v1')]
      const packets = await sendBatch(items)
      const first = await deliver(packets, false)
      expect(first.result).toEqual([false, false])
      expect(executedIds(first.receipt.logs)).toEqual([])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: first.receipt.logs, eventName: 'PacketVerified' })).toHaveLength(2)
      for (const p of packets) expect(await held(p)).toBe(p.payloadHash)
      expect(await lockOf(account('v0'))).toEqual([false, 0])

      // already held by the endpoint: not verified again, only executed
      const second = await deliver(packets, true)
      expect(second.result).toEqual([true, true])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: second.receipt.logs, eventName: 'PacketVerified' })).toEqual([])
      expect(executedIds(second.receipt.logs)).toEqual(items.map((item, i) => [item.commandId, packets[i]!.guid]))
      expect(await lockOf(account('v1'))).toEqual([true, 1])
    })

    it('reports a packet whose lzReceive reverts with EndpointV2\'s LzReceiveAlert and keeps it verified; earlier packets execute, later ones wait verified', async () => {
      const expired = await lzLock('x2', { expiry: (await now(spoke)) - 1n })
      const items = [await lzLock('x0'), await lzLock('x1'), expired, await lzLock('x3')]
      const packets = await sendBatch(items)
      const { result, receipt } = await deliver(packets, true)
      expect(result).toEqual([true, true, false, false])
      expect(executedIds(receipt.logs)).toEqual([
        [items[0]!.commandId, packets[0]!.guid],
        [items[1]!.commandId, packets[1]!.guid],
      ])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketVerified' })).toHaveLength(4)
      const alerts = parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'LzReceiveAlert' })
      expect(alerts).toHaveLength(1)
      const alert = alerts[0]!.args
      expect(alert).toMatchObject({
        receiver: getAddress(spoke.addresses.vault),
        executor: getAddress(worker()),
        guid: packets[2]!.guid,
        gas: LZ_RECEIVE_GAS.Lock,
        value: 0n,
        message: expired.payload,
      })
      expect(alert.origin).toEqual({ srcEid: packets[2]!.srcEid, sender: packets[2]!.sender, nonce: packets[2]!.nonce })
      expect(decodeErrorResult({ abi: MarginVault.abi, data: alert.reason }).errorName).toBe('CommandExpired')
      expect(await held(packets[0]!)).toBe(pad('0x00'))
      expect(await held(packets[2]!)).toBe(packets[2]!.payloadHash)
      expect(await held(packets[3]!)).toBe(packets[3]!.payloadHash)
      expect(await Promise.all(['x0', 'x1', 'x2', 'x3'].map((l) => lockOf(account(l))))).toEqual([
        [true, 1],
        [true, 1],
        [false, 0],
        [false, 0],
      ])

      // the packet after the failing one is already verified: a later call only executes it
      const retry = await deliver([packets[3]!], true)
      expect(retry.result).toEqual([true])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: retry.receipt.logs, eventName: 'PacketVerified' })).toEqual([])
      expect(executedIds(retry.receipt.logs)).toEqual([[items[3]!.commandId, packets[3]!.guid]])
      expect(await lockOf(account('x3'))).toEqual([true, 1])
      expect(await held(packets[2]!)).toBe(packets[2]!.payloadHash)
    })

    it('skips a packet that already executed with VerificationFailed, and still delivers the packets around it', async () => {
      const done = await lzLock('k0')
      const [executedPacket] = await sendBatch([done])
      expect((await deliver([executedPacket!], true)).result).toEqual([true])

      const fresh = [await lzLock('k1'), await lzLock('k2')]
      const freshPackets = await sendBatch(fresh)
      const { result, receipt } = await deliver([freshPackets[0]!, executedPacket!, freshPackets[1]!], true)
      expect(result).toEqual([true, false, true])
      const failed = parseEventLogs({ abi: LzWorker.abi, logs: receipt.logs, eventName: 'VerificationFailed' })
      expect(failed.map((f) => f.args.guid)).toEqual([executedPacket!.guid])
      expect(decodeErrorResult({ abi: VERIFY_ABI, data: failed[0]!.args.reason }).errorName).toBe('LZ_PathNotVerifiable')
      expect(executedIds(receipt.logs)).toEqual(fresh.map((item, i) => [item.commandId, freshPackets[i]!.guid]))
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'LzReceiveAlert' })).toEqual([])
      expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandDuplicateIgnored' })).toEqual([])
      for (const label of ['k0', 'k1', 'k2']) expect(await lockOf(account(label))).toEqual([true, 1])
    })

    const heldEvents = (logs: Parameters<typeof parseEventLogs>[0]['logs']) =>
      parseEventLogs({ abi: LzWorker.abi, logs, eventName: 'ExecutionHeld' }).map((e) => [e.args.guid, e.args.afterNonce])
    const isExecuted = (p: DecodedPacket) =>
      spoke.publicClient.readContract({
        address: worker(),
        abi: LzWorker.abi,
        functionName: 'isExecuted',
        args: [spoke.addresses.layerzero.endpoint, spoke.addresses.vault, p.srcEid, p.sender, p.nonce],
      })

    /**
     * Sends each of `calls` as an LzWorker.deliver transaction on the spoke, in order and without waiting for any,
     * then mines them together in one block (automine off meanwhile); returns their receipts in order.
     */
    async function deliverInOneBlock(calls: { packets: DecodedPacket[]; afterNonce: bigint }[]) {
      const wallet = spoke.wallet(devnet.keys.relayer)
      let nonce = await spoke.publicClient.getTransactionCount({ address: relayer().address, blockTag: 'pending' })
      const hashes: Hash[] = []
      await spoke.testClient.setAutomine(false)
      try {
        for (const { packets, afterNonce } of calls) {
          // no estimate: it would run against the block before the first call executes
          const gas = 200_000n + BigInt(packets.length) * (100_000n + LZ_RECEIVE_GAS.Lock)
          hashes.push(await wallet.writeContract({ address: worker(), abi: LzWorker.abi, functionName: 'deliver', args: deliverArgs(packets, true, spoke, afterNonce), gas, nonce: nonce++ }))
        }
        await spoke.testClient.mine({ blocks: 1 })
      } finally {
        await spoke.testClient.setAutomine(true)
      }
      const receipts = await Promise.all(hashes.map((hash) => mined(spoke, hash)))
      expect(new Set(receipts.map((r) => r.blockNumber)).size).toBe(1)
      return receipts
    }

    it('executes a batch guarded by a nonce of its path that already executed', async () => {
      const [before] = await sendBatch([await lzLock('g0')])
      expect((await deliver([before!], true)).result).toEqual([true])
      expect(await isExecuted(before!)).toBe(true)

      const items = [await lzLock('g1'), await lzLock('g2')]
      const packets = await sendBatch(items)
      const { result, receipt } = await deliver(packets, true, spoke, before!.nonce)
      expect(result).toEqual([true, true])
      expect(heldEvents(receipt.logs)).toEqual([])
      expect(executedIds(receipt.logs)).toEqual(items.map((item, i) => [item.commandId, packets[i]!.guid]))
    })

    it('holds every packet of a batch guarded by an unverified or a verified but unexecuted nonce: verified, not executed, ExecutionHeld for the first; a retry once that nonce executed runs them in order', async () => {
      const items = [await lzLock('h0'), await lzLock('h1'), await lzLock('h2')]
      const [first, ...later] = await sendBatch(items)
      const after = first!.nonce

      // the guard's nonce was never verified
      const unverified = await deliver(later, true, spoke, after)
      expect(unverified.result).toEqual([false, false])
      expect(heldEvents(unverified.receipt.logs)).toEqual([[later[0]!.guid, after]])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: unverified.receipt.logs, eventName: 'PacketVerified' })).toHaveLength(2)
      expect(executedIds(unverified.receipt.logs)).toEqual([])
      for (const p of later) expect(await held(p)).toBe(p.payloadHash)

      // verified, not executed
      await deliver([first!], false)
      expect(await held(first!)).toBe(first!.payloadHash)
      expect(await isExecuted(first!)).toBe(false)
      const unexecuted = await deliver(later, true, spoke, after)
      expect(unexecuted.result).toEqual([false, false])
      expect(heldEvents(unexecuted.receipt.logs)).toEqual([[later[0]!.guid, after]])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: unexecuted.receipt.logs, eventName: 'LzReceiveAlert' })).toEqual([])
      expect(await Promise.all(['h1', 'h2'].map((l) => lockOf(account(l))))).toEqual([
        [false, 0],
        [false, 0],
      ])

      expect((await deliver([first!], true)).result).toEqual([true])
      const retry = await deliver(later, true, spoke, after)
      expect(retry.result).toEqual([true, true])
      expect(heldEvents(retry.receipt.logs)).toEqual([])
      expect(executedIds(retry.receipt.logs)).toEqual(items.slice(1).map((item, i) => [item.commandId, later[i]!.guid]))
      for (const label of ['h0', 'h1', 'h2']) expect(await lockOf(account(label))).toEqual([true, 1])
    })

    it('executes two batches sent back to back into one block in nonce order when the second is guarded by the first\'s last nonce', async () => {
      const items = [await lzLock('b0'), await lzLock('b1'), await lzLock('b2'), await lzLock('b3')]
      const packets = await sendBatch(items)
      const [first, second] = await deliverInOneBlock([
        { packets: packets.slice(0, 2), afterNonce: 0n },
        { packets: packets.slice(2), afterNonce: packets[1]!.nonce },
      ])
      expect(second!.transactionIndex).toBeGreaterThan(first!.transactionIndex)
      expect(heldEvents(second!.logs)).toEqual([])
      expect([...executedIds(first!.logs), ...executedIds(second!.logs)]).toEqual(items.map((item, i) => [item.commandId, packets[i]!.guid]))
      const delivered = [...first!.logs, ...second!.logs]
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: delivered, eventName: 'PacketDelivered' }).map((e) => e.args.origin.nonce)).toEqual(packets.map((p) => p.nonce))
      for (const label of ['b0', 'b1', 'b2', 'b3']) expect(await lockOf(account(label))).toEqual([true, 1])
    })

    it('holds the second of two batches in one block when the first batch\'s last packet fails its lzReceive', async () => {
      const expired = await lzLock('f1', { expiry: (await now(spoke)) - 1n })
      const items = [await lzLock('f0'), expired, await lzLock('f2')]
      const packets = await sendBatch(items)
      const [first, second] = await deliverInOneBlock([
        { packets: packets.slice(0, 2), afterNonce: 0n },
        { packets: packets.slice(2), afterNonce: packets[1]!.nonce },
      ])
      expect(executedIds(first!.logs)).toEqual([[items[0]!.commandId, packets[0]!.guid]])
      expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: first!.logs, eventName: 'LzReceiveAlert' }).map((e) => e.args.guid)).toEqual([packets[1]!.guid])
      expect(heldEvents(second!.logs)).toEqual([[packets[2]!.guid, packets[1]!.nonce]])
      expect(executedIds(second!.logs)).toEqual([])
      expect(await held(packets[2]!)).toBe(packets[2]!.payloadHash)
      expect(await lockOf(account('f2'))).toEqual([false, 0])

      // the failed packet will never execute (it is dead-lettered): an unguarded retry executes the held one
      const retry = await deliver([packets[2]!], true)
      expect(retry.result).toEqual([true])
      expect(await lockOf(account('f2'))).toEqual([true, 1])
    })
  })
})
