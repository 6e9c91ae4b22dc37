import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzReceiveUln302 } from '@unimargin/contracts'
import type { DecodedPacket } from '@unimargin/protocol'
import type { Account, Hex } from 'viem'
import type { ChainClients } from '../context.js'

/**
 * Acts as the single required DVN of the destination's ReceiveUln302: `verify(header, payloadHash, confirmations)`
 * records this relayer's verification, `commitVerification(header, payloadHash)` hands the payload hash to the
 * endpoint. Both are simulated first, so a refusal throws without spending gas.
 * @param confirmations hub-chain blocks on top of the packet's block (at least the ULN config's confirmations)
 * @returns the two transaction hashes.
 * @throws Error (a viem error) if either call reverts.
 */
export async function verifyAsDvn(dest: ChainClients, lz: LayerZeroChainConfig, account: Account, packet: DecodedPacket, confirmations: bigint) {
  // the per-chain send lock covers simulation and sending only, so other commands' transactions are not held
  // behind this one's block inclusion
  const send = async (functionName: 'verify' | 'commitVerification', args: readonly unknown[]) => {
    const hash: Hex = await dest.sendLock(async () => {
      const { request } = await dest.public.simulateContract({
        account,
        address: lz.receiveLib,
        abi: LzReceiveUln302.abi,
        functionName,
        args: args as never,
      })
      return dest.wallet.writeContract(request)
    })
    const receipt = await dest.public.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`ReceiveUln302.${functionName} ${hash} reverted.`)
    return hash
  }
  const verifyTx = await send('verify', [packet.header, packet.payloadHash, confirmations])
  const commitTx = await send('commitVerification', [packet.header, packet.payloadHash])
  return { verifyTx, commitTx }
}
