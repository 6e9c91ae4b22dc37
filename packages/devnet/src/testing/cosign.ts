import { orderCoSignatures, signCommand } from '@unimargin/protocol'
import type { Address, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/**
 * Signs `payload` with the given co-signer keys (by default the first two of the devnet's three, its threshold) and
 * returns the signatures as `MarginHub.publish*` takes them (by increasing signer). For contract and transport tests
 * that publish directly; the relayer itself gathers signatures from co-signer services.
 */
export async function coSignWithKeys(payload: Hex, hub: { chainId: number; address: Address }, keys: readonly Hex[]): Promise<Hex[]> {
  const signed = await Promise.all(keys.map((k) => signCommand(payload, privateKeyToAccount(k), { chainId: hub.chainId, hub: hub.address })))
  return orderCoSignatures(signed)
}

/** {@link coSignWithKeys} with the first `count` (default 2) devnet co-signer keys of `devnet`. */
export function coSign(devnet: { hub: { chainId: number; address: Address }; keys: { coSigners: Hex[] } }, payload: Hex, count = 2): Promise<Hex[]> {
  return coSignWithKeys(payload, devnet.hub, devnet.keys.coSigners.slice(0, count))
}
