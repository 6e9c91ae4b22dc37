import { type Account, type Chain, getAddress, type Hash, type PublicClient, type Transport, type WalletClient } from 'viem'
import { DeployError } from './errors.js'

/** Clients a deployment step sends with: the deployer's wallet and a public client on the same chain. */
export interface DeployContext {
  publicClient: PublicClient<Transport, Chain>
  walletClient: WalletClient<Transport, Chain, Account>
}

/**
 * Waits for `hash` and checks it succeeded.
 * @returns the receipt's contract address for deployments (else undefined) and its block number.
 * @throws {DeployError} if the transaction reverted.
 */
export async function confirm(ctx: DeployContext, hash: Hash, what: string) {
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 60_000 })
  if (receipt.status !== 'success')
    throw new DeployError(`${what} reverted on chain ${ctx.publicClient.chain.id} (tx ${hash}).`, { hash, chainId: ctx.publicClient.chain.id })
  return { address: receipt.contractAddress ?? undefined, blockNumber: receipt.blockNumber }
}

/** Deployment helper: `deployed(ctx, hash, what)` = {@link confirm} that insists on a contract address. */
export async function deployed(ctx: DeployContext, hash: Hash, what: string) {
  const { address } = await confirm(ctx, hash, what)
  if (!address) throw new DeployError(`${what} created no contract (tx ${hash}).`, { hash })
  return getAddress(address)
}
