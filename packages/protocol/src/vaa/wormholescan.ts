import { encoding } from '@wormhole-foundation/sdk-base'
import { bytesToHex, type Hex } from 'viem'
import type { Attester } from './attester.js'
import { parseVaa } from './codec.js'
import type { ParsedVaa } from './types.js'
import { AttestationError, AttestationTimeoutError } from './errors.js'
import { assertBytes32, type MessageObservation, observationMismatches } from './observation.js'

/** Options of {@link createWormholescanAttester}. */
export type WormholescanAttesterOptions = {
  /** API base, e.g. `https://api.wormholescan.io` (mainnet) or `https://api.testnet.wormholescan.io`. */
  apiUrl: string
  /** fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
  /** Wait after the first miss, in ms; doubles after each miss up to `maxPollIntervalMs`. Default 2 000. */
  pollIntervalMs?: number
  /** Cap of the wait between attempts, in ms. Default 30 000. */
  maxPollIntervalMs?: number
  /** Give up after this many ms from the first attempt. Default 1 800 000 (30 min: Ethereum finality is ~15 min). */
  timeoutMs?: number
  /** Abort a single request after this many ms (then retry). Default 10 000. */
  requestTimeoutMs?: number
}

type Attempt = { vaa: Hex } | { retry: string }

/**
 * An attester that fetches the guardians' signed VAA from a Wormholescan-compatible API:
 * `GET {apiUrl}/api/v1/vaas/{emitterChain}/{emitter as 64 lowercase hex, no 0x}/{sequence}` answering
 * `{ data: { vaa: <base64> } }`, and 404 until the guardians have signed.
 *
 * Retries 404, 408, 425, 429, 5xx, network errors, request timeouts and answers without a VAA, waiting
 * `pollIntervalMs`, doubling to `maxPollIntervalMs`, until `timeoutMs`. It does not verify signatures (the
 * destination core contract does) but checks that the VAA parses and its body equals the observation.
 * @throws from `attest`: {AttestationTimeoutError} when no VAA arrived in time; {AttestationError} on another 4xx
 *   status, a VAA that does not parse, or a VAA whose body differs from the observation (message names the fields);
 *   {TypeError} if the observation's emitter address is not bytes32.
 */
export function createWormholescanAttester(options: WormholescanAttesterOptions): Attester {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const pollIntervalMs = options.pollIntervalMs ?? 2_000
  const maxPollIntervalMs = Math.max(options.maxPollIntervalMs ?? 30_000, pollIntervalMs)
  const timeoutMs = options.timeoutMs ?? 1_800_000
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const base = options.apiUrl.replace(/\/+$/, '')

  async function fetchOnce(url: string, remainingMs: number): Promise<Attempt> {
    let response: Response
    try {
      response = await fetchImpl(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.max(1, Math.min(requestTimeoutMs, remainingMs))),
      })
    } catch (cause) {
      return { retry: `request failed: ${(cause as Error).message}` }
    }
    const { status } = response
    if (status === 404 || status === 408 || status === 425 || status === 429 || status >= 500) {
      await response.body?.cancel().catch(() => {})
      return { retry: `HTTP ${status}` }
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '')
      throw new AttestationError(`${url} answered HTTP ${status}: ${text.slice(0, 200)}`)
    }
    let json: unknown
    try {
      json = await response.json()
    } catch (cause) {
      return { retry: `answer is not JSON: ${(cause as Error).message}` }
    }
    const vaa = (json as { data?: { vaa?: unknown } } | null)?.data?.vaa
    if (typeof vaa !== 'string' || vaa.length === 0) return { retry: 'answer has no data.vaa' }
    if (!encoding.b64.valid(vaa)) throw new AttestationError(`${url} returned data.vaa that is not base64`)
    return { vaa: bytesToHex(encoding.b64.decode(vaa)) }
  }

  return {
    async attest(observation: MessageObservation): Promise<Hex> {
      assertBytes32(observation.emitterAddress, 'emitterAddress')
      const emitter = observation.emitterAddress.slice(2).toLowerCase()
      const url = `${base}/api/v1/vaas/${observation.emitterChain}/${emitter}/${observation.sequence}`
      const deadline = Date.now() + timeoutMs
      let delay = pollIntervalMs
      let attempts = 0
      let lastMiss = ''
      for (;;) {
        attempts += 1
        const attempt = await fetchOnce(url, deadline - Date.now())
        if ('vaa' in attempt) return checked(attempt.vaa, observation, url)
        lastMiss = attempt.retry
        const remaining = deadline - Date.now()
        if (remaining <= 0) {
          throw new AttestationTimeoutError(url, timeoutMs, attempts, { cause: new Error(`last miss: ${lastMiss}`) })
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)))
        delay = Math.min(delay * 2, maxPollIntervalMs)
      }
    },
  }
}

function checked(vaa: Hex, observation: MessageObservation, url: string): Hex {
  let parsed: ParsedVaa
  try {
    parsed = parseVaa(vaa)
  } catch (cause) {
    throw new AttestationError(`${url} returned bytes that are not a VAA: ${(cause as Error).message}`, vaa, { cause })
  }
  const mismatches = observationMismatches(parsed, observation)
  if (mismatches.length > 0) {
    throw new AttestationError(
      `${url} returned a VAA whose ${mismatches.join(', ')} differ from the observed message; ` +
        `refusing to relay it (check the emitter chain id and address the relayer watches)`,
      vaa,
    )
  }
  return vaa
}
