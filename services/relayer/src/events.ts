import { LzEndpointV2, LzWorker, MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import { getAbiItem } from 'viem'

// Single-event ABIs for viem's parseEventLogs, which hashes every event of the ABI it is given for every log: with the
// contracts' full ABIs that was most of the time a step spent reading its receipt.

export const LOG_MESSAGE_PUBLISHED = [getAbiItem({ abi: WormholeCore.abi, name: 'LogMessagePublished' })] as const
export const COMMAND_PUBLISHED = [getAbiItem({ abi: MarginHub.abi, name: 'CommandPublished' })] as const
export const COMMAND_SENT_LZ = [getAbiItem({ abi: MarginHub.abi, name: 'CommandSentLz' })] as const
export const PACKET_SENT = [getAbiItem({ abi: LzEndpointV2.abi, name: 'PacketSent' })] as const
export const LZ_RECEIVE_ALERT = [getAbiItem({ abi: LzEndpointV2.abi, name: 'LzReceiveAlert' })] as const
export const VERIFICATION_FAILED = [getAbiItem({ abi: LzWorker.abi, name: 'VerificationFailed' })] as const
export const COMMAND_EXECUTED = [getAbiItem({ abi: MarginVault.abi, name: 'CommandExecuted' })] as const
export const COMMAND_DELIVERY_FAILED = [getAbiItem({ abi: MarginVault.abi, name: 'CommandDeliveryFailed' })] as const
/** what a vault emits for the first arrival of a command that needs both transports (held, nothing else happened) */
export const COMMAND_AWAITING_SECOND_TRANSPORT = [getAbiItem({ abi: MarginVault.abi, name: 'CommandAwaitingSecondTransport' })] as const
/** what a vault emits when the second copy of a held command differs (the command id is frozen) or one of a frozen id arrives */
export const COMMAND_FROZEN = [getAbiItem({ abi: MarginVault.abi, name: 'CommandPayloadMismatch' }), getAbiItem({ abi: MarginVault.abi, name: 'FrozenCommandIgnored' })] as const
/** what a vault emits for a command a packet carried: executed, consumed as a duplicate, held for the other transport, or frozen */
export const VAULT_DELIVERY = [
  ...COMMAND_EXECUTED,
  getAbiItem({ abi: MarginVault.abi, name: 'CommandDuplicateIgnored' }),
  ...COMMAND_AWAITING_SECOND_TRANSPORT,
  ...COMMAND_FROZEN,
] as const
