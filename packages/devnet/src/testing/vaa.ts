import { WormholeCore } from '@unimargin/contracts'
import { type Address, concat, encodePacked, type Hash, type Hex, keccak256, pad, parseEventLogs, type PublicClient, size } from 'viem'
import { sign } from 'viem/accounts'

/** What a test VAA carries. */
export interface TestVaaParams {
  /** the whole guardian set, in index order */
  guardianKeys: Hex[]
  /** indices of the guardians that sign; default all */
  signers?: number[]
  /** guardian set index written in the VAA; default 0 */
  guardianSetIndex?: number
  emitterChain: number
  /** emitter address: 20-byte addresses are left-padded to 32 bytes */
  emitterAddress: Hex
  sequence?: bigint
  payload: Hex
  /** unix seconds; default now */
  timestamp?: number
  nonce?: number
  consistencyLevel?: number
}

/** The VAA body (everything after the signatures). */
export function vaaBody(p: Omit<TestVaaParams, 'guardianKeys' | 'signers' | 'guardianSetIndex'>): Hex {
  return encodePacked(
    ['uint32', 'uint32', 'uint16', 'bytes32', 'uint64', 'uint8', 'bytes'],
    [
      p.timestamp ?? Math.floor(Date.now() / 1000),
      p.nonce ?? 0,
      p.emitterChain,
      size(p.emitterAddress) === 32 ? p.emitterAddress : pad(p.emitterAddress, { size: 32 }),
      p.sequence ?? 0n,
      p.consistencyLevel ?? 1,
      p.payload,
    ],
  )
}

/** The digest guardians sign and Solidity's `vm.hash`: keccak256(keccak256(body)). */
export function vaaDigest(body: Hex): Hash {
  return keccak256(keccak256(body))
}

/**
 * Signs a version-1 VAA with local guardian keys, for tests. Each signature is `index u8, r, s, recovery id u8`
 * (the core adds 27 to the recovery id when verifying). Signers are written in ascending index order, as the core
 * requires.
 * @returns the encoded VAA.
 * @throws {RangeError} if a signer index is outside `guardianKeys`.
 */
export async function signTestVaa(p: TestVaaParams): Promise<Hex> {
  const body = vaaBody(p)
  const digest = vaaDigest(body)
  const signers = [...(p.signers ?? p.guardianKeys.map((_, i) => i))].sort((a, b) => a - b)
  const signatures: Hex[] = []
  for (const index of signers) {
    const key = p.guardianKeys[index]
    if (!key) throw new RangeError(`No guardian key at index ${index}`)
    const sig = await sign({ hash: digest, privateKey: key })
    signatures.push(encodePacked(['uint8', 'bytes32', 'bytes32', 'uint8'], [index, sig.r, sig.s, sig.yParity ?? Number(sig.v! - 27n)]))
  }
  return concat([encodePacked(['uint8', 'uint32', 'uint8'], [1, p.guardianSetIndex ?? 0, signers.length]), ...signatures, body])
}

/**
 * Plays the guardians for messages published in one transaction: reads its `LogMessagePublished` events from the
 * Wormhole core at `wormhole` and signs each as a VAA from `emitterChain`.
 * @returns one VAA per message, in log order.
 */
export async function signPublishedMessages(params: {
  publicClient: PublicClient
  txHash: Hash
  wormhole: Address
  emitterChain: number
  guardianKeys: Hex[]
}): Promise<{ vaa: Hex; sequence: bigint; payload: Hex; emitter: Address }[]> {
  const receipt = await params.publicClient.getTransactionReceipt({ hash: params.txHash })
  const block = await params.publicClient.getBlock({ blockNumber: receipt.blockNumber })
  const logs = parseEventLogs({ abi: WormholeCore.abi, eventName: 'LogMessagePublished', logs: receipt.logs }).filter(
    (l) => l.address.toLowerCase() === params.wormhole.toLowerCase(),
  )
  return Promise.all(
    logs.map(async (l) => ({
      vaa: await signTestVaa({
        guardianKeys: params.guardianKeys,
        emitterChain: params.emitterChain,
        emitterAddress: l.args.sender,
        sequence: l.args.sequence,
        nonce: l.args.nonce,
        consistencyLevel: l.args.consistencyLevel,
        timestamp: Number(block.timestamp),
        payload: l.args.payload,
      }),
      sequence: l.args.sequence,
      payload: l.args.payload,
      emitter: l.args.sender,
    })),
  )
}

