import { VaultRegistry } from '@unimargin/contracts'
import type { Address } from 'viem'
import { confirm, type DeployContext, deployed } from './context.js'

/** Where the devnet's VaultRegistry is: its address and the block it was deployed in (where watchers start). */
export interface RegistryAddresses {
  address: Address
  deploymentBlock: bigint
}

/**
 * Deploys the VaultRegistry on the hub chain with `admin` as its admin (the devnet's deployer key; production
 * hands it to a timelock or a multisig). Runs after the fixed-nonce deployments (MarginHub's address depends on them).
 * @throws {DeployError} if the deployment reverts.
 */
export async function deployRegistry(ctx: DeployContext, admin: Address): Promise<RegistryAddresses> {
  const hash = await ctx.walletClient.deployContract({ abi: VaultRegistry.abi, bytecode: VaultRegistry.bytecode, args: [admin] })
  const address = await deployed(ctx, hash, 'VaultRegistry')
  const { blockNumber } = await confirm(ctx, hash, 'VaultRegistry')
  return { address, deploymentBlock: blockNumber }
}
