import { describe, expect, it } from 'vitest'
import { commandOptions, decodeLzReceiveOption, LayerZeroCodecError, LZ_RECEIVE_GAS, lzReceiveOptions } from './index.js'
import { bytes32ToAddress, addressToBytes32, decodePacket } from './index.js'

describe('executor options', () => {
  it('encodes lzReceive gas as worker 1, size 17, type 1, gas u128', () => {
    expect(lzReceiveOptions(200_000n)).toBe('0x00030100110100000000000000000000000000030d40')
  })

  it('gives each command kind its own lzReceive gas limit', () => {
    for (const [kind, gas] of Object.entries(LZ_RECEIVE_GAS))
      expect(decodeLzReceiveOption(commandOptions(kind as keyof typeof LZ_RECEIVE_GAS))).toEqual({ gas, value: 0n })
    expect(decodeLzReceiveOption(commandOptions('Lock', { Lock: 77n }))?.gas).toBe(77n)
  })

  it('refuses gas wider than u128 and options that are not options', () => {
    expect(() => lzReceiveOptions(2n ** 128n)).toThrow(LayerZeroCodecError)
    expect(() => decodeLzReceiveOption('0x00')).toThrow(LayerZeroCodecError)
    expect(() => decodeLzReceiveOption('0x0009')).toThrow(LayerZeroCodecError)
  })
})

describe('addresses and packets', () => {
  it('round-trips an EVM address through its 32-byte form', () => {
    const a = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
    expect(addressToBytes32(a)).toBe('0x0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3')
    expect(bytes32ToAddress(addressToBytes32(a))).toBe(a)
  })

  it('refuses a packet shorter than header and GUID', () => {
    expect(() => decodePacket('0x01')).toThrow(LayerZeroCodecError)
  })
})
