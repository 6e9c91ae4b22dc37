import type { Address, Hex } from 'viem'

/**
 * EIP-712 types of a co-signed hub command, exactly as `MarginHub.COMMAND_TYPEHASH`:
 * `Command(bytes32 commandId,uint8 kind,uint64 destChainId,address vault,address account,uint64 expiry,bytes32 payloadHash)`.
 * `payloadHash` is keccak256 of the whole encoded payload, so a signature covers the body (amounts, receivers) too.
 */
export const commandTypes = {
  Command: [
    { name: 'commandId', type: 'bytes32' },
    { name: 'kind', type: 'uint8' },
    { name: 'destChainId', type: 'uint64' },
    { name: 'vault', type: 'address' },
    { name: 'account', type: 'address' },
    { name: 'expiry', type: 'uint64' },
    { name: 'payloadHash', type: 'bytes32' },
  ],
} as const

/** The EIP-712 domain of MarginHub: name "Unimargin MarginHub", version "1", the hub chain and the hub contract. */
export type CommandDomain = {
  name: 'Unimargin MarginHub'
  version: '1'
  /** EVM chain id of the hub chain */
  chainId: number
  /** the MarginHub contract */
  verifyingContract: Address
}

/** The EIP-712 message of a command, derived from its payload by {@link commandMessage}. */
export type CommandMessage = {
  commandId: Hex
  kind: number
  destChainId: bigint
  vault: Address
  account: Address
  expiry: bigint
  payloadHash: Hex
}

/** Where the signed commands are published: the hub contract on its chain. */
export type HubLocation = { chainId: number; hub: Address }

/** One co-signer's signature of a command. */
export type CoSignature = { signer: Address; signature: Hex }
