import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzEndpointV2, MarginVault } from '@unimargin/contracts'
import type { DecodedPacket } from '@unimargin/protocol'
import type { Abi, Account, Address, Hex } from 'viem'
import type { ChainClients } from '../context.js'
import { errorsOf } from '../revert.js'

/** `EndpointV2.lzReceive` plus the vault's errors, which the endpoint bubbles up when the OApp reverts. */
export const DELIVERY_ABI = [...LzEndpointV2.abi, ...errorsOf(MarginVault.abi as Abi)] as Abi

/**
 * Acts as the executor: calls `EndpointV2.lzReceive(origin, receiver, guid, message, 0x)` for a verified packet,
 * after simulating it (a revert, e.g. the vault refusing, throws before anything is sent).
 * @returns the transaction hash (not yet mined).
 * @throws Error (a viem error whose revert name {@link revertName} can read) if the simulation reverts.
 */
export async function executeAsExecutor(dest: ChainClients, lz: LayerZeroChainConfig, account: Account, receiver: Address, packet: DecodedPacket): Promise<Hex> {
  return dest.sendLock(async () => {
    const { request } = await dest.public.simulateContract({
      account,
      address: lz.endpoint,
      abi: DELIVERY_ABI,
      functionName: 'lzReceive',
      args: [{ srcEid: packet.srcEid, sender: packet.sender, nonce: packet.nonce }, receiver, packet.guid, packet.message, '0x'],
    })
    return dest.wallet.writeContract(request)
  })
}
