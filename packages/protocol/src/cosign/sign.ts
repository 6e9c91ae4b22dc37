import { type Address, type Hex, hashTypedData, keccak256, type LocalAccount, recoverTypedDataAddress } from 'viem'
import { decodeCommand } from '../command/codec.js'
import { CommandKind } from '../command/layout.js'
import { type CoSignature, type CommandDomain, type CommandMessage, commandTypes, type HubLocation } from './types.js'

/** The EIP-712 domain of the MarginHub at `hub` on chain `chainId`. */
export function commandDomain({ chainId, hub }: HubLocation): CommandDomain {
  return { name: 'Unimargin MarginHub', version: '1', chainId, verifyingContract: hub }
}

/**
 * The EIP-712 message of an encoded command: its header fields plus `payloadHash = keccak256(payload)`.
 * @throws {CommandDecodeError} if `payload` does not decode.
 */
export function commandMessage(payload: Hex): CommandMessage {
  const c = decodeCommand(payload)
  return {
    commandId: c.commandId,
    kind: CommandKind[c.kind],
    destChainId: c.destChainId,
    vault: c.vault,
    account: c.account,
    expiry: c.expiry,
    payloadHash: keccak256(payload),
  }
}

/**
 * The digest co-signers sign for `payload` (what `MarginHub.commandDigest(payload)` returns).
 * @throws {CommandDecodeError} if `payload` does not decode.
 */
export function hashCommand(payload: Hex, hub: HubLocation): Hex {
  return hashTypedData({ domain: commandDomain(hub), types: commandTypes, primaryType: 'Command', message: commandMessage(payload) })
}

/**
 * Signs `payload` as a co-signer (EIP-712 `signTypedData`).
 * @returns the signer's address and its 65-byte signature.
 * @throws {CommandDecodeError} if `payload` does not decode.
 */
export async function signCommand(payload: Hex, account: LocalAccount, hub: HubLocation): Promise<CoSignature> {
  const signature = await account.signTypedData({ domain: commandDomain(hub), types: commandTypes, primaryType: 'Command', message: commandMessage(payload) })
  return { signer: account.address, signature }
}

/**
 * Recovers the co-signer that signed `payload`.
 * @returns the signer, checksummed; compare it with the hub's registered co-signers.
 * @throws {CommandDecodeError} if `payload` does not decode, or viem's signature errors for a malformed signature.
 */
export async function recoverCommandSigner(payload: Hex, signature: Hex, hub: HubLocation): Promise<Address> {
  return recoverTypedDataAddress({ domain: commandDomain(hub), types: commandTypes, primaryType: 'Command', message: commandMessage(payload), signature })
}

/**
 * The signatures as `MarginHub.publish*` takes them: ordered by strictly increasing signer address, at most one per
 * signer (a later duplicate is dropped).
 */
export function orderCoSignatures(signatures: readonly CoSignature[]): Hex[] {
  const bySigner = new Map<string, CoSignature>()
  for (const s of signatures) if (!bySigner.has(s.signer.toLowerCase())) bySigner.set(s.signer.toLowerCase(), s)
  return [...bySigner.entries()].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1)).map(([, s]) => s.signature)
}
