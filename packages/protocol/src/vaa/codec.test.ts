import { hexToBytes, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { parseVaa, serializeVaa, serializeVaaBody, vaaDigest } from './codec.js'
import { VaaParseError } from './errors.js'
import { loadMainnetVaas } from './mainnet-fixture.js'
import type { VaaBody } from './types.js'

const mainnet = loadMainnetVaas()

describe.runIf(mainnet)('parseVaa on genuine mainnet VAAs (shared/data/wormhole/mainnet_vaas.json)', () => {
  const vaas = mainnet?.vaas ?? []

  it('has the 50 VAAs the file promises', () => {
    expect(vaas).toHaveLength(50)
  })

  it.each(vaas.map((v, i) => [i, v.source.label, v] as const))(
    'decodes every field of VAA %i (%s) exactly as the file does',
    (_, __, entry) => {
      const vaa = parseVaa(`0x${entry.vaa_hex}`)
      expect(vaa.version).toBe(entry.version)
      expect(vaa.guardianSetIndex).toBe(entry.guardian_set_index)
      expect(vaa.signatures).toHaveLength(entry.num_signatures)
      expect(vaa.signatures.map((s) => s.guardianIndex)).toEqual(entry.signer_indices)
      expect(vaa.timestamp).toBe(Number(entry.timestamp))
      expect(vaa.nonce).toBe(Number(entry.nonce))
      expect(vaa.emitterChain).toBe(entry.emitter_chain)
      expect(vaa.emitterAddress).toBe(`0x${entry.emitter_address}`)
      expect(vaa.sequence).toBe(BigInt(entry.sequence))
      expect(vaa.consistencyLevel).toBe(entry.consistency_level)
      expect(vaa.payload).toBe(`0x${entry.payload_hex}`)
      expect(hexToBytes(vaa.payload)).toHaveLength(entry.payload_len)
      expect(keccak256(vaa.bodyBytes)).toBe(`0x${entry.body_keccak256}`)
      expect(vaa.digest).toBe(`0x${entry.digest_double_keccak256}`)
      for (const s of vaa.signatures) expect([0, 1]).toContain(s.signature.v)
    },
  )

  it('parses the base64 form to the same VAA as the hex form', () => {
    for (const entry of vaas) {
      const fromBase64 = parseVaa(new Uint8Array(Buffer.from(entry.vaa_base64, 'base64')))
      expect(fromBase64.bytes).toBe(`0x${entry.vaa_hex}`)
    }
  })

  it('re-serializes every parsed VAA to its original bytes', () => {
    for (const entry of vaas) {
      const vaa = parseVaa(`0x${entry.vaa_hex}`)
      expect(serializeVaa(vaa)).toBe(`0x${entry.vaa_hex}`)
      expect(serializeVaaBody(vaa)).toBe(vaa.bodyBytes)
      expect(vaaDigest(vaa)).toBe(vaa.digest)
    }
  })
})

const body: VaaBody = {
  timestamp: 1_700_000_000,
  nonce: 42,
  emitterChain: 2,
  emitterAddress: `0x${'00'.repeat(12)}5fbdb2315678afecb367f032d93f642f64180aa3`,
  sequence: 2n ** 64n - 1n,
  consistencyLevel: 200,
  payload: '0xdeadbeef',
}

describe('VAA codec', () => {
  it('lays the body out as timestamp u32, nonce u32, chain u16, emitter bytes32, sequence u64, consistency u8, payload', () => {
    expect(serializeVaaBody(body)).toBe(
      `0x6553f1000000002a0002${body.emitterAddress.slice(2)}ffffffffffffffffc8deadbeef`,
    )
  })

  it('computes the digest as the double keccak256 of the body (Solidity vm.hash), not the single one', () => {
    const bytes = serializeVaaBody(body)
    expect(vaaDigest(body)).toBe(keccak256(keccak256(bytes)))
    expect(vaaDigest(bytes)).not.toBe(keccak256(bytes))
  })

  it('writes each signature as guardian index u8, r, s, and v as the raw recovery id', () => {
    const r = `0x${'11'.repeat(32)}` as const
    const s = `0x${'22'.repeat(32)}` as const
    const bytes = serializeVaa({ ...body, guardianSetIndex: 7, signatures: [{ guardianIndex: 4, signature: { r, s, v: 1 } }] })
    expect(bytes.slice(0, 2 + 2 * 6)).toBe('0x010000000701')
    expect(bytes.slice(14, 14 + 2 * 66)).toBe(`04${r.slice(2)}${s.slice(2)}01`)
    expect(parseVaa(bytes).signatures).toEqual([{ guardianIndex: 4, signature: { r, s, v: 1 } }])
  })

  it('round-trips an empty payload', () => {
    const bytes = serializeVaa({ ...body, payload: '0x', guardianSetIndex: 0, signatures: [] })
    expect(parseVaa(bytes).payload).toBe('0x')
  })

  it('rejects a version other than 1', () => {
    const bytes = hexToBytes(serializeVaa({ ...body, guardianSetIndex: 0, signatures: [] }))
    bytes[0] = 2
    expect(() => parseVaa(bytes)).toThrow(VaaParseError)
    expect(() => parseVaa(bytes)).toThrow(/version 2/)
  })

  it('rejects bytes that end inside the signatures or the fixed body', () => {
    const full = hexToBytes(
      serializeVaa({
        ...body,
        guardianSetIndex: 0,
        signatures: [{ guardianIndex: 0, signature: { r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, v: 0 } }],
      }),
    )
    const payloadLength = 4
    for (const cut of [0, 3, 6, 40, 6 + 66 + 50]) {
      expect(() => parseVaa(full.subarray(0, cut))).toThrow(VaaParseError)
    }
    expect(parseVaa(full.subarray(0, full.length - payloadLength)).payload).toBe('0x')
  })

  it('rejects a string that is not 0x-hex', () => {
    expect(() => parseVaa('01000000' as `0x${string}`)).toThrow(VaaParseError)
    expect(() => parseVaa('0xzz0000' as `0x${string}`)).toThrow(VaaParseError)
  })
})
