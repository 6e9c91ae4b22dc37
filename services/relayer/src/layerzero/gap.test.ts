import { type ChainConfig, getChain, getLayerZero, toViemChain } from '@unimargin/chains'
import { LzEndpointV2, MarginHub } from '@unimargin/contracts'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import { coSign, lzReceiveArgs, sentPackets, verifyPacket } from '@unimargin/devnet/testing'
import { commandOptions, type DecodedPacket, encodeCommand } from '@unimargin/protocol'
import { createPublicClient, custom, type Hex, http, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainClients, chainClients } from '../send/chainClients.js'
import { findPathPackets, verifyEarlierPackets } from './gap.js'

const BASE_PORT = 21945

describe('verifying earlier packets on a LayerZero path', () => {
  let devnet: Devnet
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT, routes: { 31338: 'layerzero' } })
  })
  afterAll(() => devnet?.stop())

  const hub = () => devnet.chains[0]!
  const spoke = () => devnet.chains[1]!
  const relayer = () => privateKeyToAccount(devnet.keys.relayer)
  /** the `eth_getLogs` ranges asked of the hub, in order */
  let ranges: { fromBlock: bigint; toBlock: bigint }[] = []
  /** The relayer's clients of `chain`; the hub's record every `eth_getLogs` range in {@link ranges}. */
  function clientsOf(chain: ChainConfig): ChainClients {
    const inner = http(chain.rpcUrl)({ chain: toViemChain(chain) })
    const transport = custom({
      async request({ method, params }) {
        if (method === 'eth_getLogs') {
          const [filter] = params as [{ fromBlock: Hex; toBlock: Hex }]
          ranges.push({ fromBlock: BigInt(filter.fromBlock), toBlock: BigInt(filter.toBlock) })
        }
        return inner.request({ method, params })
      },
    })
    const publicClient = createPublicClient({ chain: toViemChain(chain), transport, pollingInterval: 50 })
    return chainClients(chain, relayer(), { publicClient })
  }

  /** Publishes a Lock for a fresh account over LayerZero to the spoke, as the relayer does. @returns its packet. */
  async function publishLock(lockEpoch: number): Promise<DecodedPacket & { blockNumber: bigint }> {
    const payload = encodeCommand({
      kind: 'Lock',
      commandId: keccak256(toHex(`gap-test-${Date.now()}-${lockEpoch}`)),
      destChainId: BigInt(spoke().chainId),
      vault: spoke().addresses.vault,
      expiry: (await spoke().publicClient.getBlock()).timestamp + 3600n,
      account: privateKeyToAddress(devnet.keys.users[lockEpoch % devnet.keys.users.length]!),
      lockEpoch,
    })
    const args = [spoke().addresses.layerzero.eid, payload, commandOptions('Lock')] as const
    const fee = await hub().publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
    const hash = await hub().wallet(devnet.keys.relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(devnet, payload)], value: fee })
    const receipt = await hub().publicClient.waitForTransactionReceipt({ hash })
    const [packet] = await sentPackets(hub().publicClient, hash)
    return { ...packet!, blockNumber: receipt.blockNumber }
  }
  const inboundNonce = (p: DecodedPacket) =>
    spoke().publicClient.readContract({
      address: spoke().addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundNonce',
      args: [spoke().addresses.vault, p.srcEid, p.sender],
    })
  const deliver = (p: DecodedPacket) =>
    spoke().publicClient.simulateContract({
      account: relayer(),
      address: spoke().addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'lzReceive',
      args: lzReceiveArgs(p, spoke().addresses.vault),
    })
  function heal(packet: DecodedPacket, confirmations: bigint, extra: { maxLogRange?: number; fromBlock?: bigint } = {}) {
    const hubChain = getChain(devnet.config, hub().chainId)
    const destChain = getChain(devnet.config, spoke().chainId)
    return verifyEarlierPackets({
      hub: clientsOf(hubChain),
      hubEndpoint: getLayerZero(devnet.config, hubChain.chainId).endpoint,
      fromBlock: extra.fromBlock ?? hubChain.startBlock,
      dest: clientsOf(destChain),
      lz: getLayerZero(devnet.config, destChain.chainId),
      receiver: destChain.vault,
      account: relayer(),
      packet,
      confirmations,
      maxLogRange: extra.maxLogRange,
    })
  }

  it('finds packets dead-lettered before verification across several bounded log ranges, newest first, and verifies them', async () => {
    // two packets the relayer published and then dead-lettered before verifying, blocks apart, then a live one
    const first = await publishLock(1)
    await devnet.mine(hub().chainId, 10)
    const second = await publishLock(2)
    await devnet.mine(hub().chainId, 10)
    const live = await publishLock(3)
    await devnet.mine(hub().chainId, 5)
    const head = await hub().publicClient.getBlockNumber({ cacheTime: 0 })
    await verifyPacket({ publicClient: spoke().publicClient, wallet: spoke().wallet(devnet.keys.relayer), endpoint: spoke().addresses.layerzero.endpoint, receiveLib: spoke().addresses.layerzero.receiveLib, worker: spoke().addresses.layerzero.worker }, live, head - live.blockNumber)
    expect(await inboundNonce(live)).toBe(first.nonce - 1n)
    await expect(deliver(live)).rejects.toThrow(/LZ_InvalidNonce/)

    ranges = []
    const verified = await heal(live, head - live.blockNumber, { maxLogRange: 4 })

    expect(verified).toEqual([first.nonce, second.nonce])
    expect(await inboundNonce(live)).toBe(live.nonce)
    await expect(deliver(live)).resolves.toBeDefined()
    // newest range first, each at most 4 blocks, adjacent, and none older than the first missing packet's range
    expect(ranges.length).toBeGreaterThan(2)
    expect(ranges[0]!.toBlock).toBeGreaterThanOrEqual(head)
    for (const [i, r] of ranges.entries()) {
      expect(r.toBlock - r.fromBlock).toBeLessThan(4n)
      if (i > 0) expect(r.toBlock).toBe(ranges[i - 1]!.fromBlock - 1n)
    }
    expect(ranges.at(-1)!.fromBlock).toBeLessThanOrEqual(first.blockNumber)
    expect(ranges.at(-1)!.fromBlock).toBeGreaterThan(first.blockNumber - 4n)
  })

  it('scans in ranges of the hub chain’s maxLogRange when none is given', async () => {
    const missing = await publishLock(4)
    const live = await publishLock(5)
    await devnet.mine(hub().chainId, 5)
    const head = await hub().publicClient.getBlockNumber({ cacheTime: 0 })
    await verifyPacket({ publicClient: spoke().publicClient, wallet: spoke().wallet(devnet.keys.relayer), endpoint: spoke().addresses.layerzero.endpoint, receiveLib: spoke().addresses.layerzero.receiveLib, worker: spoke().addresses.layerzero.worker }, live, head - live.blockNumber)

    ranges = []
    expect(await heal(live, head - live.blockNumber)).toEqual([missing.nonce])
    const maxLogRange = BigInt(getChain(devnet.config, hub().chainId).maxLogRange)
    expect(ranges).toHaveLength(1)
    expect(ranges[0]!.toBlock - ranges[0]!.fromBlock).toBeLessThan(maxLogRange)
  })

  it('throws naming the nonce when a missing packet lies before the scanned blocks, after reading down to the start block', async () => {
    const missing = await publishLock(6)
    await devnet.mine(hub().chainId, 3)
    const live = await publishLock(7)
    await devnet.mine(hub().chainId, 5)
    const head = await hub().publicClient.getBlockNumber({ cacheTime: 0 })
    await verifyPacket({ publicClient: spoke().publicClient, wallet: spoke().wallet(devnet.keys.relayer), endpoint: spoke().addresses.layerzero.endpoint, receiveLib: spoke().addresses.layerzero.receiveLib, worker: spoke().addresses.layerzero.worker }, live, head - live.blockNumber)

    ranges = []
    await expect(heal(live, head - live.blockNumber, { maxLogRange: 2, fromBlock: missing.blockNumber + 1n })).rejects.toThrow(
      new RegExp(`Packet ${missing.nonce} on the path to eid ${live.dstEid} is not among`),
    )
    expect(ranges.at(-1)!.fromBlock).toBe(missing.blockNumber + 1n)
    expect(await inboundNonce(live)).toBe(missing.nonce - 1n)
  })

  it('stops scanning at the first range holding an earlier nonce of the path than every nonce sought', async () => {
    const live = await publishLock(8)
    await devnet.mine(hub().chainId, 6)
    const head = await hub().publicClient.getBlockNumber({ cacheTime: 0 })
    const hubChain = getChain(devnet.config, hub().chainId)
    ranges = []
    const found = await findPathPackets({
      hub: clientsOf(hubChain),
      hubEndpoint: getLayerZero(devnet.config, hubChain.chainId).endpoint,
      fromBlock: hubChain.startBlock,
      toBlock: head,
      maxLogRange: 4,
      path: live,
      nonces: [live.nonce + 1n],
    })
    expect(found.size).toBe(0)
    // the range holding `live` is the last read: a later nonce cannot lie in older blocks
    expect(ranges.at(-1)!.fromBlock).toBeLessThanOrEqual(live.blockNumber)
    expect(ranges.at(-1)!.toBlock).toBeGreaterThanOrEqual(live.blockNumber)
  })
})
