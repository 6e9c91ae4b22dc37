import { addressToBytes32 as lzAddressToBytes32, bytes32ToEthAddress } from '@layerzerolabs/lz-v2-utilities'
import { type Address, bytesToHex, getAddress, type Hex, isAddress } from 'viem'
import { LayerZeroCodecError } from './errors.js'

/**
 * An EVM address as LayerZero's 32-byte peer/sender/receiver form (left-padded with zeros).
 * @throws {LayerZeroCodecError} if `address` is not a 20-byte 0x address.
 */
export function addressToBytes32(address: Address): Hex {
  if (!isAddress(address, { strict: false })) throw new LayerZeroCodecError(`not an EVM address: ${address}`)
  return bytesToHex(lzAddressToBytes32(address))
}

/**
 * The EVM address in the low 20 bytes of a 32-byte LayerZero address, checksummed.
 * @throws {LayerZeroCodecError} if `value` is not 32 bytes of hex.
 */
export function bytes32ToAddress(value: Hex): Address {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new LayerZeroCodecError(`not 32 bytes of hex: ${value}`)
  return getAddress(bytes32ToEthAddress(value))
}
