import { Worker } from 'node:worker_threads'
import { type Hex, hexToBytes, numberToHex } from 'viem'
import { serializeVaa, serializeVaaBody, vaaDigest } from './codec.js'
import { VaaSigningError } from './errors.js'
import type { MessageObservation } from './observation.js'
import { assertBytes32 } from './observation.js'
import { signVaa } from './sign.js'
import type { GuardianSignature } from './types.js'

/**
 * Turns an observed Wormhole message into signed VAA bytes that a vault's core contract accepts. The relayer
 * depends only on this interface: devnets sign locally, testnet/mainnet fetch the guardians' VAA.
 */
export type Attester = {
  /**
   * @param observation the message as seen in `LogMessagePublished`.
   * @returns the signed VAA as 0x-hex, whose body equals the observation.
   */
  attest(observation: MessageObservation): Promise<Hex>
}

/** Options of {@link createLocalGuardianAttester}. */
export type LocalGuardianAttesterOptions = {
  /** Private keys of the devnet guardian set (32-byte 0x-hex), in guardian-set order; all of them sign. */
  keys: readonly Hex[]
  /** Index of that guardian set on the devnet core contracts (0 after a fresh `Setup`). */
  guardianSetIndex: number
  /**
   * Worker threads that sign (default 1), as guardians sign in processes of their own: the caller's event loop only
   * hashes and assembles. 0 signs on the calling thread.
   */
  signerThreads?: number
}

/**
 * An attester for devnets whose core contracts were set up with local guardian keys: every observation is signed
 * at once by all the keys (the digest and signature scheme of `signVaa`), in `signerThreads` worker threads. The
 * threads start on first use and keep the process alive only while signatures are outstanding.
 * @throws {TypeError} from `attest` if the observation's emitter address is not bytes32; {VaaSigningError} if a key
 *   is invalid or a signing thread fails.
 */
export function createLocalGuardianAttester(options: LocalGuardianAttesterOptions): Attester {
  const keys = [...options.keys]
  const threads = options.signerThreads ?? 1
  if (threads === 0 || keys.length === 0) {
    return {
      async attest(observation) {
        assertBytes32(observation.emitterAddress, 'emitterAddress')
        return signVaa(observation, keys, { guardianSetIndex: options.guardianSetIndex })
      },
    }
  }
  const keyBytes = keys.map((k) => hexToBytes(k))
  const pending = new Map<number, { resolve: (s: GuardianSignature[]) => void; reject: (e: Error) => void }>()
  // a thread holds the process open only while it has signatures to return
  const holding = () => {
    for (const w of workers) if (pending.size === 0) w?.unref()
  }
  const workers: (Worker | undefined)[] = Array.from({ length: threads })
  let nextId = 0
  const workerAt = (slot: number): Worker => {
    const existing = workers[slot]
    if (existing) return existing
    // plain JavaScript: it needs none of the parent's loaders or flags
    const worker = new Worker(new URL('./sign-worker.mjs', import.meta.url), { workerData: { keys: keyBytes }, execArgv: [] })
    worker.on('message', (m: { id: number; signatures?: { r: bigint; s: bigint; recovery: number }[]; error?: string }) => {
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      holding()
      if (m.error !== undefined || !m.signatures) return p.reject(new VaaSigningError(`a guardian key could not sign (${m.error})`))
      p.resolve(
        m.signatures.map((sig, guardianIndex) => ({
          guardianIndex,
          signature: { r: numberToHex(sig.r, { size: 32 }), s: numberToHex(sig.s, { size: 32 }), v: sig.recovery },
        })),
      )
    })
    // a thread that dies fails what it held; the next call starts a new one
    worker.on('error', (error) => {
      workers[slot] = undefined
      for (const [id, p] of pending) {
        pending.delete(id)
        p.reject(new VaaSigningError(`the signing thread failed (${error.message})`))
      }
      holding()
    })
    workers[slot] = worker
    return worker
  }
  return {
    async attest(observation) {
      assertBytes32(observation.emitterAddress, 'emitterAddress')
      const digest = hexToBytes(vaaDigest(serializeVaaBody(observation)))
      const id = nextId++
      const signatures = await new Promise<GuardianSignature[]>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        const worker = workerAt(id % threads)
        worker.ref()
        worker.postMessage({ id, digest })
      })
      return serializeVaa({ ...observation, guardianSetIndex: options.guardianSetIndex, signatures })
    },
  }
}
