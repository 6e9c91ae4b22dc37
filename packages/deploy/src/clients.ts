import { type Account, type Chain, createPublicClient, createWalletClient, defineChain, http, type PublicClient, type Transport, type WalletClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { DeployContext } from './context.js'
import { DeployError } from './errors.js'
import type { DeployChainSpec, DeploymentSpec } from './spec.js'

/** The deployer's clients on every chain of a spec, by chain name. */
export type NetworkContexts = Map<string, DeployContext>

/**
 * Opens the deployer's wallet and a public client on each chain of `spec`, and checks each RPC answers with the chain
 * id the spec names, before anything is sent.
 * @throws {DeployError} if an RPC serves another chain.
 */
export async function connect(spec: DeploymentSpec): Promise<NetworkContexts> {
  const account = privateKeyToAccount(spec.deployer.privateKey)
  const entries = await Promise.all(
    spec.chains.map(async (c): Promise<[string, DeployContext]> => {
      const chain = viemChain(c)
      const publicClient: PublicClient<Transport, Chain> = createPublicClient({ chain, transport: http(c.rpcUrl, { retryCount: 3 }), pollingInterval: 100 })
      const walletClient: WalletClient<Transport, Chain, Account> = createWalletClient({ chain, account, transport: http(c.rpcUrl, { retryCount: 3 }) })
      const id = await publicClient.getChainId()
      if (id !== c.chainId) throw new DeployError(`chains[${c.name}].rpcUrl serves chain id ${id}, not ${c.chainId}.`, { chain: c.name, id })
      return [c.name, { publicClient, walletClient }]
    }),
  )
  return new Map(entries)
}

function viemChain(c: DeployChainSpec): Chain {
  return defineChain({ id: c.chainId, name: c.name, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [c.rpcUrl] } } })
}
