import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzEndpointV2 } from '@unimargin/contracts'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import type { Account, Address } from 'viem'
import type { ChainClients } from '../send/chainClients.js'
import { verifyAsDvn } from './dvn.js'
import { StepFailedError } from '../errors.js'

/**
 * Verifies, as the DVN, every packet on `packet`'s path whose nonce lies between the endpoint's highest contiguous
 * verified nonce and `packet.nonce`: the endpoint executes a packet only once all earlier ones are verified, so a
 * packet whose command was dead-lettered before verification would otherwise hold the path up for good. The
 * missing packets are read from the hub endpoint's `PacketSent` logs between `fromBlock` and `toBlock` (they are
 * older than `packet`, hence at least as final), see {@link findPathPackets}.
 * @param maxLogRange largest `eth_getLogs` range, blocks; default: the hub chain's `maxLogRange`
 * @param toBlock newest hub block to scan, e.g. `packet`'s block; default: the hub's head
 * @returns the nonces verified.
 * @throws Error if a missing packet cannot be found on the hub or a verification reverts.
 */
export async function verifyEarlierPackets(params: {
  hub: ChainClients
  hubEndpoint: Address
  fromBlock: bigint
  dest: ChainClients
  lz: LayerZeroChainConfig
  receiver: Address
  account: Account
  packet: DecodedPacket
  confirmations: bigint
  maxLogRange?: number
  toBlock?: bigint
}): Promise<bigint[]> {
  const { hub, dest, lz, receiver, packet } = params
  const verifiedUpTo = await dest.public.readContract({
    address: lz.endpoint,
    abi: LzEndpointV2.abi,
    functionName: 'inboundNonce',
    args: [receiver, packet.srcEid, packet.sender],
  })
  if (verifiedUpTo + 1n >= packet.nonce) return []
  const nonces: bigint[] = []
  for (let nonce = verifiedUpTo + 1n; nonce < packet.nonce; nonce++) nonces.push(nonce)
  const onPath = await findPathPackets({
    hub,
    hubEndpoint: params.hubEndpoint,
    fromBlock: params.fromBlock,
    toBlock: params.toBlock ?? (await hub.public.getBlockNumber({ cacheTime: 0 })),
    maxLogRange: params.maxLogRange ?? hub.chain.maxLogRange,
    path: packet,
    nonces,
  })
  const verified: bigint[] = []
  for (const nonce of nonces) {
    const missing = onPath.get(nonce)
    if (!missing) throw new StepFailedError(`Packet ${nonce} on the path to eid ${packet.dstEid} is not among the hub's PacketSent logs.`)
    const hash = await dest.public.readContract({
      address: lz.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundPayloadHash',
      args: [receiver, packet.srcEid, packet.sender, nonce],
    })
    if (hash.toLowerCase() === missing.payloadHash.toLowerCase()) continue
    await verifyAsDvn(dest, lz, params.account, missing, params.confirmations)
    verified.push(nonce)
  }
  return verified
}

/**
 * The packets with `nonces` on `path`'s path (same sender, destination eid and receiver) among the hub endpoint's
 * `PacketSent` logs in blocks `fromBlock..toBlock`, read in ranges of at most `maxLogRange` blocks from the newest
 * backwards, since missing packets are usually recent. Stops once every nonce is found, or once a range holds an
 * earlier nonce of the path than all those still sought (nonces grow with blocks, so the rest is not there).
 * JSON-RPC: `eth_getLogs`, one call per range.
 * @returns the packets found by nonce; absent nonces are not in the scanned blocks.
 * @throws {RangeError} if `maxLogRange` is not a positive integer; the RPC's error if a range is refused.
 */
export async function findPathPackets(params: {
  hub: ChainClients
  hubEndpoint: Address
  fromBlock: bigint
  toBlock: bigint
  maxLogRange: number
  path: Pick<DecodedPacket, 'sender' | 'dstEid' | 'receiver'>
  nonces: readonly bigint[]
}): Promise<Map<bigint, DecodedPacket>> {
  const { hub, path } = params
  if (!Number.isInteger(params.maxLogRange) || params.maxLogRange < 1) throw new RangeError(`maxLogRange must be a positive integer, got ${params.maxLogRange}`)
  const range = BigInt(params.maxLogRange)
  const sought = new Set(params.nonces)
  const lowest = params.nonces.reduce((m, n) => (n < m ? n : m), params.nonces[0] ?? 0n)
  const found = new Map<bigint, DecodedPacket>()
  let passedLowest = false
  for (let to = params.toBlock; to >= params.fromBlock && found.size < sought.size && !passedLowest; ) {
    const from = to - range + 1n > params.fromBlock ? to - range + 1n : params.fromBlock
    const logs = await hub.public.getContractEvents({ address: params.hubEndpoint, abi: LzEndpointV2.abi, eventName: 'PacketSent', fromBlock: from, toBlock: to })
    for (const log of logs) {
      if (!log.args.encodedPayload) continue
      const p = decodePacket(log.args.encodedPayload)
      if (p.dstEid !== path.dstEid || p.sender !== path.sender || p.receiver !== path.receiver) continue
      if (sought.has(p.nonce)) found.set(p.nonce, p)
      else if (p.nonce < lowest) passedLowest = true
    }
    to = from - 1n
  }
  return found
}
