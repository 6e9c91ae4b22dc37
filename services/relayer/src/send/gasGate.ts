import { Semaphore } from 'async-mutex'
import type { Hex } from 'viem'
import { countWait } from '../timing.js'

/**
 * Gas per unit of the gate: async-mutex's semaphore walks every weight up to its free value when it wakes waiters,
 * so weights count 10k gas (3 000 for a 30M block), not gas.
 */
const GATE_UNIT = 10_000n

/**
 * The in-flight gas gate of one sender on one chain: its unmined transactions ask for one block's gas limit at most.
 * More only queues in the node's pool, where a node may skip or evict it: anvil skips a transaction that does not
 * fit the block's remaining gas, then drops the sender's next nonce as "nonce too high" (executor.rs,
 * `execute_pool_transactions`), which stalls every later nonce until the fee bumper sends it again.
 */
export type GasGate = {
  /**
   * Waits (for blocks: counted as a confirmation wait, see timing.ts) until `gas` fits next to the unmined
   * transactions. A transaction larger than a block on its own goes out once nothing else is in flight.
   * @returns the release of its gas: pass it to {@link sent}, or call it if the transaction is not sent.
   */
  admit(gas: bigint): Promise<() => void>
  /** Records that the transaction with `nonce` was sent (its gas comes back with {@link mined}, or by `release`). */
  sent(nonce: number, release: () => void): void
  /** Records that `hash` (a version of the transaction with `nonce`, replacements included) was sent. */
  signed(hash: Hex, nonce: number): void
  /**
   * Gives back the gas of every transaction at or below the highest nonce of ours among a new block's
   * `transactions` (nonces are mined in order): in the same poll that sees the block, before its receipts are read.
   */
  mined(transactions: readonly Hex[]): void
}

/** Creates a {@link GasGate} sized by the first head's gas limit (`gasLimit`, read once, gas units). */
export function createGasGate(gasLimit: () => Promise<bigint>): GasGate {
  let gate: { semaphore: Semaphore; size: number } | undefined
  /** releases of the gas of transactions in flight, by nonce */
  const inFlight = new Map<number, () => void>()
  /** the nonce of every version of the transactions in flight, by lower-case hash */
  const nonceOf = new Map<string, number>()
  return {
    async admit(gas) {
      if (!gate) {
        const size = Number((await gasLimit()) / GATE_UNIT)
        gate ??= { semaphore: new Semaphore(size), size }
      }
      const { semaphore, size } = gate
      const units = Math.min(Number((gas + GATE_UNIT - 1n) / GATE_UNIT), size)
      const [, release] = await countWait(semaphore.acquire(units))
      return release
    },
    sent(nonce, release) {
      inFlight.set(nonce, release)
    },
    signed(hash, nonce) {
      nonceOf.set(hash.toLowerCase(), nonce)
    },
    mined(transactions) {
      if (inFlight.size === 0) return
      let top = -1
      for (const hash of transactions) top = Math.max(top, nonceOf.get(hash.toLowerCase()) ?? -1)
      if (top < 0) return
      for (const [n, release] of inFlight)
        if (n <= top) {
          release()
          inFlight.delete(n)
        }
      for (const [hash, n] of nonceOf) if (n <= top) nonceOf.delete(hash)
    },
  }
}
