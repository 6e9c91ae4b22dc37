import { type Config, createChainPublicClient } from '@unimargin/chains'
import { Gauge, type Registry } from 'prom-client'
import { type Address, formatEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

export type RegisterRelayerWalletMetricsParameters = {
  registry: Registry
  config: Config
  /** ms one chain's reads may take before that scrape leaves its series out (default 2 000) */
  timeoutMs?: number
}

/**
 * Registers the relayer wallet's state per chain, read over each chain's RPC at scrape time:
 * - `unimargin_relayer_balance_eth{chain}`: the relayer key's native balance (ether units, from wei); alert before it
 *   cannot pay for deliveries;
 * - `unimargin_relayer_pending_transactions{chain}`: its `pending` nonce minus its `latest` nonce, the transactions
 *   sent and not yet mined (a growing number is a stuck nonce).
 * A chain whose reads fail or exceed `timeoutMs` is left out of that scrape (its RPC errors are counted in
 * `unimargin_rpc_errors_total`). Chains are named by their configured `name`.
 */
export function registerRelayerWalletMetrics(parameters: RegisterRelayerWalletMetricsParameters): void {
  const { registry, config, timeoutMs = 2_000 } = parameters
  const address: Address = privateKeyToAccount(config.relayer.privateKey).address
  const chains = config.chains.map((chain) => ({ name: chain.name, client: createChainPublicClient(chain) }))

  let cached: { at: number; reads: Promise<Array<{ chain: string; wei: bigint; pending: number } | undefined>> } | undefined
  const read = () => {
    const now = Date.now()
    if (!cached || now - cached.at > 500) {
      cached = {
        at: now,
        reads: Promise.all(
          chains.map(async ({ name, client }) => {
            const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref())
            const values = Promise.all([
              client.getBalance({ address }),
              client.getTransactionCount({ address, blockTag: 'pending' }),
              client.getTransactionCount({ address, blockTag: 'latest' }),
            ]).then(([wei, pending, latest]) => ({ chain: name, wei, pending: pending - latest }))
            return Promise.race([values, timeout]).catch(() => undefined)
          }),
        ),
      }
    }
    return cached.reads
  }

  new Gauge({
    name: 'unimargin_relayer_balance_eth',
    help: "The relayer key's native balance per chain (ether units)",
    labelNames: ['chain'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const r of await read()) if (r) this.set({ chain: r.chain }, Number(formatEther(r.wei)))
    },
  })
  new Gauge({
    name: 'unimargin_relayer_pending_transactions',
    help: "The relayer key's transactions sent and not yet mined per chain (pending nonce minus latest nonce)",
    labelNames: ['chain'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const r of await read()) if (r) this.set({ chain: r.chain }, r.pending)
    },
  })
}
