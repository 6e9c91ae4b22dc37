import { deserializeLayout, serializeLayout } from '@wormhole-foundation/sdk-base'
import { bytesToHex, hexToBytes, type Hex } from 'viem'
import { type Command, commandLayout } from './layout.js'
import { UnimarginError } from '@unimargin/errors'

/** Thrown when bytes do not decode as a command of this protocol version. */
export class CommandDecodeError extends UnimarginError {
  override name = 'CommandDecodeError'
  constructor(
    message: string,
    readonly payload: Hex,
    options?: { cause?: unknown },
  ) {
    super(`Command payload could not be decoded: ${message}`, options)
  }
}

/**
 * Encodes a command into the payload bytes that MarginHub publishes.
 * @param command a command object (see {@link Command}); integers are bigint or number as the layout types say.
 * @returns the payload as 0x-hex.
 * @throws if a field is out of range for its width (from the layout serializer).
 * @example encodeCommand({ kind: 'Lock', commandId, destChainId: 31338n, vault, expiry: 1700000000n, account, lockEpoch: 1 })
 */
export function encodeCommand(command: Command): Hex {
  return bytesToHex(serializeLayout(commandLayout, { command }))
}

/**
 * Decodes a command payload.
 * @param payload 0x-hex or raw bytes.
 * @returns the decoded command.
 * @throws {CommandDecodeError} on a wrong version, an unknown kind, or a wrong length.
 */
export function decodeCommand(payload: Hex | Uint8Array): Command {
  const bytes = typeof payload === 'string' ? hexToBytes(payload) : payload
  try {
    return deserializeLayout(commandLayout, bytes).command
  } catch (cause) {
    throw new CommandDecodeError((cause as Error).message, bytesToHex(bytes), { cause })
  }
}
