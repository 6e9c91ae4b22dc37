import { BaseError, NonceTooHighError, NonceTooLowError } from 'viem'
import { getNodeError } from 'viem/utils'

/**
 * The nonces of one sender on one chain, counted locally: modelled on viem's `createNonceManager`
 * (`utils/nonceManager.ts`: a source read once, then a local count, never handing out a nonce below one it handed
 * out before), without viem's source read before every send, since only this process sends from the key on the
 * chain (the relayer's lease, see relayer.ts). Callers serialise `get` … `increment` (the chain's send lock).
 */
export type NonceManager = {
  /** The nonce the next transaction takes: read from the source when not known, else the local count. */
  get(): Promise<number>
  /** Counts the nonce `get` returned as used: call once the node accepted the transaction signed with it. */
  increment(): void
  /**
   * After a nonce error: reads the source again and continues from it, never below the local count (a node that
   * lost some of this sender's transactions from its pool gets them again from the fee bumper).
   * @returns the nonce the next transaction takes.
   */
  resync(): Promise<number>
  /** Forgets the count: the next `get` reads the source (another process may have sent from the key). */
  reset(): void
}

export type CreateNonceManagerParameters = {
  /** the sender's next nonce as the node counts it, pending transactions included (`eth_getTransactionCount` "pending") */
  source: () => Promise<number>
}

/** Creates a {@link NonceManager}. */
export function createNonceManager({ source }: CreateNonceManagerParameters): NonceManager {
  let next: number | undefined
  return {
    async get() {
      next ??= await source()
      return next
    },
    increment() {
      if (next === undefined) throw new Error('NonceManager.increment before get')
      next++
    },
    async resync() {
      const known = next
      next = undefined
      next = Math.max(await source(), known ?? 0)
      return next
    },
    reset() {
      next = undefined
    },
  }
}

/**
 * Whether `error` (or any error in its `cause` chain) is viem's {@link NonceTooLowError} or {@link NonceTooHighError}:
 * the node refused a transaction for its nonce.
 */
export function isNonceError(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false
  return error.walk((e) => e instanceof NonceTooLowError || e instanceof NonceTooHighError) !== null
}

/**
 * A node's refusal of a raw transaction as viem's typed error when it is a nonce error (`eth_sendRawTransaction`
 * does not map node errors the way `sendTransaction` does), else `error` unchanged.
 */
export function asNonceError(error: unknown, nonce: number): unknown {
  if (!(error instanceof BaseError)) return error
  const mapped = getNodeError(error, { nonce })
  return mapped instanceof NonceTooLowError || mapped instanceof NonceTooHighError ? mapped : error
}
