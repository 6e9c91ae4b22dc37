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
/** what a vault emits for a command a packet carried: executed, or consumed as a duplicate */
export const VAULT_DELIVERY = [...COMMAND_EXECUTED, getAbiItem({ abi: MarginVault.abi, name: 'CommandDuplicateIgnored' })] as const
