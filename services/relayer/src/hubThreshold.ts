import { MarginHub } from '@unimargin/contracts'
import type { Logger } from 'pino'
import type { Address, PublicClient } from 'viem'
import { staleWhileRevalidate } from './cache.js'

/** How long a read `MarginHub.threshold()` is used before it is read again in the background, ms. */
export const HUB_THRESHOLD_FRESH_MS = 15_000
/** How long a read threshold may be used at all while new reads fail, ms. */
export const HUB_THRESHOLD_MAX_AGE_MS = 120_000

export type HubThresholdParameters = {
  /** a client of the hub chain */
  client: Pick<PublicClient, 'readContract'>
  /** MarginHub's address */
  hub: Address
  /** used only while the hub cannot be read and no read is younger than `maxAgeMs` (the config's `coSigners.threshold`) */
  fallback?: number
  log: Logger
  /** ms; default {@link HUB_THRESHOLD_FRESH_MS} */
  freshMs?: number
  /** ms; default {@link HUB_THRESHOLD_MAX_AGE_MS} */
  maxAgeMs?: number
}

/**
 * The co-signatures MarginHub needs per command, read from the contract (`threshold()`), so a co-signer set and
 * threshold changed through the hub's timelock (`executeCoSigners`) is followed without a config change. The value is
 * cached: reused for `freshMs`, then reloaded in the background on the next call; after `maxAgeMs` without a
 * successful read the caller waits for one.
 * @returns a function giving the current threshold (1..255).
 * @throws (from the returned function) the RPC error when the hub cannot be read and there is no `fallback`.
 */
export function createHubThreshold(parameters: HubThresholdParameters): () => Promise<number> {
  const { client, hub, fallback, log } = parameters
  const cached = staleWhileRevalidate(
    async () => Number(await client.readContract({ address: hub, abi: MarginHub.abi, functionName: 'threshold' })),
    parameters.freshMs ?? HUB_THRESHOLD_FRESH_MS,
    parameters.maxAgeMs ?? HUB_THRESHOLD_MAX_AGE_MS,
  )
  return async () => {
    try {
      return await cached()
    } catch (error) {
      if (fallback === undefined) throw error
      log.warn({ err: (error as Error).message, fallback }, 'Cannot read MarginHub.threshold(); using the configured co-signer threshold')
      return fallback
    }
  }
}
