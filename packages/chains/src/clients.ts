import { type Account, type Chain, createPublicClient, createWalletClient, defineChain, fallback, http, type PublicClient, type Transport, type WalletClient } from 'viem'
import type { ChainConfig } from './config.js'
import { fetchWithCappedRetryAfter } from './retryAfter.js'
import { instrumentedFetch, providerLabel } from './rpcMetrics.js'

/** A viem chain object for a configured chain. */
export function toViemChain(chain: ChainConfig): Chain {
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: rpcUrlsOf(chain) } },
  })
}

/** `rpcUrl` first, then `fallbackRpcUrls`, without repeats. */
export function rpcUrlsOf(chain: Pick<ChainConfig, 'rpcUrl' | 'fallbackRpcUrls'>): string[] {
  return [...new Set([chain.rpcUrl, ...(chain.fallbackRpcUrls ?? [])])]
}

/**
 * The chain's JSON-RPC transport: HTTP to `rpcUrl`, or with `fallbackRpcUrls` a viem `fallback` over all of them
 * (in order, or ranked by latency and stability with `rankRpcUrls`). A failed request is retried `retryCount` times
 * with exponential backoff (`100 ms · 2^attempt`), or after the server's `Retry-After` on a 429/503 (viem's
 * `buildRequest`), capped at `MAX_RETRY_AFTER_SECONDS` (10 s); with fallbacks each retry round tries every endpoint
 * once, in order. Requests time out after 10 s. Every request is timed and its failures counted per provider
 * (`rpcMetrics.ts`).
 */
export function chainTransport(chain: Pick<ChainConfig, 'name' | 'rpcUrl' | 'fallbackRpcUrls' | 'rankRpcUrls'>, options: { retryCount: number }): Transport {
  const urls = rpcUrlsOf(chain)
  const capped = fetchWithCappedRetryAfter()
  const fetchFn = (i: number) => instrumentedFetch({ chain: chain.name, provider: providerLabel(i) }, capped)
  if (urls.length === 1) return http(urls[0]!, { retryCount: options.retryCount, retryDelay: 100, timeout: 10_000, fetchFn: fetchFn(0) })
  // each endpoint is tried once per round, so a dead one costs one failed request, not a whole retry budget; the
  // rounds themselves back off
  const endpoints = urls.map((url, i) => http(url, { retryCount: 0, timeout: 10_000, fetchFn: fetchFn(i) }))
  return fallback(endpoints, { rank: chain.rankRpcUrls ?? false, retryCount: options.retryCount, retryDelay: 100 })
}

/** A public client for a configured chain over {@link chainTransport} (4 retries per endpoint). */
export function createChainPublicClient(chain: ChainConfig, options: { pollingIntervalMs?: number } = {}): PublicClient<Transport, Chain> {
  return createPublicClient({
    chain: toViemChain(chain),
    transport: chainTransport(chain, { retryCount: 4 }),
    pollingInterval: options.pollingIntervalMs ?? Math.min(chain.blockTimeMs, 1000) / 4,
  })
}

/** A wallet client for a configured chain over {@link chainTransport} (2 retries per endpoint), signing locally with `account`. */
export function createChainWalletClient(chain: ChainConfig, account: Account): WalletClient<Transport, Chain, Account> {
  return createWalletClient({
    account,
    chain: toViemChain(chain),
    transport: chainTransport(chain, { retryCount: 2 }),
  })
}
