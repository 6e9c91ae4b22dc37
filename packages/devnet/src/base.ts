import { MockERC20 } from '@unimargin/contracts'
import type { Address, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { anvilKey, DEVNET_GUARDIAN_KEY } from './accounts.js'
import { type Anvil, startAnvil } from './anvil/index.js'
import { chainClients } from './clients.js'
import { ASSET_SYMBOLS, ASSETS, type AssetSymbol, configureLayerZero, DEVNET_BASE_EID, deployed, deployLayerZero, deployWormhole, type LayerZeroAddresses } from './deploy/index.js'
import { LZ_CONFIRMATIONS } from './network.js'

/** One chain of a base network: what a public chain already has before Unimargin is deployed on it. */
export interface BaseChain {
  name: string
  chainId: number
  wormholeChainId: number
  rpcUrl: string
  /** the Wormhole core bridge (guardian set 0 = the devnet guardian) */
  wormhole: Address
  /** EndpointV2, SendUln302, ReceiveUln302 with default configs towards every chain, and the worker (DVN + executor) */
  layerzero: LayerZeroAddresses
  /** an ERC-20 per devnet asset, standing for the tokens a chain already has */
  tokens: Record<AssetSymbol, Address>
}

/** A running base network; {@link BaseNetwork.stop} stops its anvils. */
export interface BaseNetwork {
  chains: BaseChain[]
  /** the key that deployed the infrastructure (anvil account 0) and operates the LayerZero worker */
  infrastructureKey: Hex
  stop(): Promise<void>
}

/**
 * Starts `chains` anvils (EVM ids 31337…, Wormhole ids 10002…, LayerZero eids 40101…, RPC on basePort + i) holding
 * only the infrastructure a real network already has: the Wormhole core, LayerZero's EndpointV2 with SendUln302 and
 * ReceiveUln302 as default libraries and default ULN/executor configs towards every chain, and the tokens. No vault,
 * hub or timelock: that is what `unimargin deploy` and `unimargin wire` are for. Deployed by anvil account 0, so the
 * other accounts' nonces are untouched.
 * @throws {PortInUseError} {AnvilStartError} {DeployError}; anvils already started are stopped first.
 */
export async function startBaseNetwork(options: { basePort: number; chains?: number }): Promise<BaseNetwork> {
  const count = options.chains ?? 2
  const key = anvilKey(0)
  const anvils: Anvil[] = []
  try {
    for (let i = 0; i < count; i++) anvils.push(await startAnvil({ port: options.basePort + i, chainId: 31337 + i }))
    const eids = anvils.map((_, i) => DEVNET_BASE_EID + i)
    const chains = await Promise.all(
      anvils.map(async (anvil, i): Promise<BaseChain> => {
        const name = `chain-${i + 1}`
        const clients = chainClients({ name, chainId: anvil.chainId, rpcUrl: anvil.rpcUrl })
        const ctx = { publicClient: clients.publicClient, walletClient: clients.wallet(key) }
        const wormholeChainId = 10002 + i
        const wormhole = await deployWormhole(ctx, { guardians: [privateKeyToAddress(DEVNET_GUARDIAN_KEY)], wormholeChainId })
        const layerzero = await deployLayerZero(ctx, { eid: eids[i]! })
        await configureLayerZero(ctx, layerzero, { remoteEids: eids, operator: privateKeyToAddress(key), confirmations: LZ_CONFIRMATIONS })
        const tokens = {} as Record<AssetSymbol, Address>
        for (const symbol of ASSET_SYMBOLS) {
          const a = ASSETS[symbol]
          tokens[symbol] = await deployed(
            ctx,
            await ctx.walletClient.deployContract({ abi: MockERC20.abi, bytecode: MockERC20.bytecode, args: [a.tokenName, a.tokenSymbol, a.decimals] }),
            `MockERC20 ${a.tokenSymbol}`,
          )
        }
        return { name, chainId: anvil.chainId, wormholeChainId, rpcUrl: anvil.rpcUrl, wormhole, layerzero, tokens }
      }),
    )
    return { chains, infrastructureKey: key, stop: async () => void (await Promise.all(anvils.map((a) => a.stop()))) }
  } catch (error) {
    await Promise.all(anvils.map((a) => a.stop()))
    throw error
  }
}
