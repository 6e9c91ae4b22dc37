import { ERC1967Proxy, WormholeCore, WormholeSetup } from '@unimargin/contracts'
import { type Address, encodeFunctionData, type Hex, pad } from 'viem'
import { type DeployContext, deployed } from './context.js'

/** Governance emitter of Wormhole's devnet (chain 1, address 0x…04); not used by Unimargin but required by setup. */
const GOVERNANCE_CHAIN_ID = 1
const GOVERNANCE_CONTRACT: Hex = pad('0x04', { size: 32 })

/**
 * Deploys a real Wormhole core bridge: `Implementation`, `Setup`, and an ERC1967Proxy initialised by
 * `Setup.setup(impl, guardians, wormholeChainId, 1, 0x…04, evmChainId)`. Guardian set 0 = `guardians`.
 * @returns the proxy address (the core bridge).
 * @throws {DeployError} if any step reverts (e.g. evmChainId differing from the chain's id).
 */
export async function deployWormhole(ctx: DeployContext, params: { guardians: Address[]; wormholeChainId: number }): Promise<Address> {
  const { walletClient } = ctx
  const implementation = await deployed(ctx, await walletClient.deployContract({ abi: WormholeCore.abi, bytecode: WormholeCore.bytecode }), 'Wormhole Implementation')
  const setup = await deployed(ctx, await walletClient.deployContract({ abi: WormholeSetup.abi, bytecode: WormholeSetup.bytecode }), 'Wormhole Setup')
  const init = encodeFunctionData({
    abi: WormholeSetup.abi,
    functionName: 'setup',
    args: [implementation, params.guardians, params.wormholeChainId, GOVERNANCE_CHAIN_ID, GOVERNANCE_CONTRACT, BigInt(walletClient.chain.id)],
  })
  return deployed(ctx, await walletClient.deployContract({ abi: ERC1967Proxy.abi, bytecode: ERC1967Proxy.bytecode, args: [setup, init] }), 'Wormhole proxy')
}
