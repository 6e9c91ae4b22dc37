import {
  type Account,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/** viem clients for one devnet chain. */
export interface ChainClients {
  chain: Chain
  publicClient: PublicClient<Transport, Chain>
  /** anvil's test actions: mine, snapshot, revert, setBalance, increaseTime, … */
  testClient: TestClient<'anvil', Transport, Chain>
  /** a wallet client signing locally with `privateKey` */
  wallet(privateKey: Hex): WalletClient<Transport, Chain, Account>
}

/** Creates the clients for a chain at `rpcUrl`. Polling every 50 ms suits anvil. */
export function chainClients(params: { name: string; chainId: number; rpcUrl: string }): ChainClients {
  const chain = defineChain({
    id: params.chainId,
    name: params.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  })
  const transport = http(params.rpcUrl, { retryCount: 2, retryDelay: 50 })
  return {
    chain,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
    testClient: createTestClient({ chain, transport, mode: 'anvil', pollingInterval: 50 }),
    wallet: (privateKey) => createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey), pollingInterval: 50 }),
  }
}
