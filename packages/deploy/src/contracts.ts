import { MarginHub, MarginVault } from '@unimargin/contracts'
import { type Abi, type Address, type Hex, pad } from 'viem'

/** A contract creation as viem's `deployContract` takes it. */
export interface ContractDeployment {
  /** the contract's name, as printed */
  contract: string
  abi: Abi
  bytecode: Hex
  args: readonly unknown[]
}

/** Constructor parameters of a MarginVault. */
export interface VaultParams {
  /** the chain's Wormhole core bridge */
  wormhole: Address
  /** Wormhole chain id of the hub chain */
  hubWormholeChainId: number
  /** MarginHub: the vault's only Wormhole emitter and LayerZero peer (fixed for the vault's life) */
  hub: Address
  /** the chain's LayerZero EndpointV2 */
  endpoint: Address
  /** LayerZero endpoint id of the hub chain */
  hubEid: number
  /** initial owner and LayerZero delegate */
  owner: Address
  /** seconds without any hub command after which escape mode may be activated */
  escapeDelaySeconds: bigint
}

/** `MarginVault(wormhole, hubChainId, hubEmitter, endpoint, hubEid, owner, escapeDelaySeconds)`; the emitter is the hub left-padded to 32 bytes. */
export function vaultDeployment(p: VaultParams): ContractDeployment {
  return {
    contract: 'MarginVault',
    abi: MarginVault.abi,
    bytecode: MarginVault.bytecode,
    args: [p.wormhole, p.hubWormholeChainId, pad(p.hub, { size: 32 }), p.endpoint, p.hubEid, p.owner, p.escapeDelaySeconds],
  }
}

/** Constructor parameters of MarginHub. */
export interface HubParams {
  /** the hub chain's Wormhole core bridge */
  wormhole: Address
  /** the hub chain's LayerZero EndpointV2 */
  endpoint: Address
  /** initial owner and LayerZero delegate */
  owner: Address
  /** Wormhole consistency level of every publication */
  consistencyLevel: number
  /** keys allowed to publish (the relayer's) */
  publishers: Address[]
  /** co-signers, the signatures each command needs of them, and the delay on changes to them (seconds) */
  coSigners: { signers: Address[]; threshold: number; delaySeconds: bigint }
}

/** `MarginHub(wormhole, endpoint, owner, consistencyLevel, publishers, coSigners, threshold, coSignerDelaySeconds)`. */
export function hubDeployment(p: HubParams): ContractDeployment {
  return {
    contract: 'MarginHub',
    abi: MarginHub.abi,
    bytecode: MarginHub.bytecode,
    args: [p.wormhole, p.endpoint, p.owner, p.consistencyLevel, p.publishers, p.coSigners.signers, p.coSigners.threshold, p.coSigners.delaySeconds],
  }
}
