import { type Chain, createPublicClient, createWalletClient, defineChain, http, type PublicClient, type Transport, type WalletClient, type Account } from 'viem'
import type { ChainConfig } from './config.js'

/** A viem chain object for a configured chain. */
export function toViemChain(chain: ChainConfig): Chain {
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  })
}

/**
 * A public client for a configured chain over HTTP with bounded retries (viem's exponential backoff:
 * `retryDelay · 2^attempt`, `retryCount` attempts) and a per-request timeout.
 */
export function createChainPublicClient(chain: ChainConfig, options: { pollingIntervalMs?: number } = {}): PublicClient<Transport, Chain> {
  return createPublicClient({
    chain: toViemChain(chain),
    transport: http(chain.rpcUrl, { retryCount: 4, retryDelay: 100, timeout: 10_000 }),
    pollingInterval: options.pollingIntervalMs ?? Math.min(chain.blockTimeMs, 1000) / 4,
  })
}

/** A wallet client for a configured chain, signing locally with `account`. */
export function createChainWalletClient(chain: ChainConfig, account: Account): WalletClient<Transport, Chain, Account> {
  return createWalletClient({
    account,
    chain: toViemChain(chain),
    transport: http(chain.rpcUrl, { retryCount: 2, retryDelay: 100, timeout: 10_000 }),
  })
}
