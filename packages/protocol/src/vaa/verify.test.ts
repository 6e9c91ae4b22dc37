import { type Address, type Hex, hexToBytes, keccak256, pad, stringToHex, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { parseVaa, serializeVaa } from './codec.js'
import { VaaVerificationError, type VaaVerificationFailure } from './errors.js'
import { loadMainnetVaas } from './mainnet-fixture.js'
import { signVaa } from './sign.js'
import type { GuardianSet, VaaBody } from './types.js'
import { quorum, verifyVaa } from './verify.js'

function rejection(run: () => unknown): VaaVerificationError {
  try {
    run()
  } catch (error) {
    if (error instanceof VaaVerificationError) return error
    throw error
  }
  throw new Error('expected a VaaVerificationError, but verification passed')
}

function expectRejected(run: () => unknown, reason: VaaVerificationFailure) {
  expect(rejection(run).reason).toBe(reason)
}

const mainnet = loadMainnetVaas()

describe.runIf(mainnet)('verifyVaa on genuine mainnet VAAs (shared/data/wormhole/mainnet_vaas.json)', () => {
  const vaas = (mainnet?.vaas ?? []).map((v, i) => [i, v.source.label, v] as const)
  const setOf = (index: number): GuardianSet => ({ index, keys: mainnet!.guardian_sets[String(index)]!.addresses })

  it.each(vaas)('accepts VAA %i (%s) against its guardian set', (_, __, entry) => {
    const result = verifyVaa(`0x${entry.vaa_hex}`, setOf(entry.guardian_set_index))
    const keys = setOf(entry.guardian_set_index).keys
    expect(result.signers).toEqual(entry.signer_indices.map((i) => keys[i]))
    expect(result.quorum).toBe(quorum(keys.length))
  })

  it.each(vaas)('rejects VAA %i (%s) with one body byte flipped', (i, _, entry) => {
    const bytes = hexToBytes(`0x${entry.vaa_hex}`)
    const bodyOffset = 6 + 66 * entry.num_signatures
    const position = bodyOffset + ((i * 37) % (bytes.length - bodyOffset))
    bytes[position]! ^= 0x01
    const error = rejection(() => verifyVaa(bytes, setOf(entry.guardian_set_index)))
    expect(error.reason).toBe('bad signature')
    expect(error.location.signatureIndex).toBe(0)
  })

  it.each(vaas)('rejects VAA %i (%s) with one signature byte flipped', (i, _, entry) => {
    const bytes = hexToBytes(`0x${entry.vaa_hex}`)
    const signatureIndex = i % entry.num_signatures
    const position = 6 + 66 * signatureIndex + 1 + ((i * 13) % 64) // inside r or s
    bytes[position]! ^= 0x80
    const error = rejection(() => verifyVaa(bytes, setOf(entry.guardian_set_index)))
    expect(error.reason).toBe('bad signature')
    expect(error.location.signatureIndex).toBe(signatureIndex)
  })

  it('rejects a mainnet VAA checked against a different guardian set', () => {
    // Sets 3 and 4 differ only in guardian 0, so take a set-3 VAA that guardian 0 signed.
    const entry = mainnet!.vaas.find((v) => v.guardian_set_index === 3 && v.signer_indices[0] === 0)!
    expectRejected(() => verifyVaa(`0x${entry.vaa_hex}`, setOf(4)), 'wrong guardian set')
    const error = rejection(() => verifyVaa(`0x${entry.vaa_hex}`, { index: 3, keys: setOf(4).keys }))
    expect(error.reason).toBe('bad signature')
    expect(error.location.guardianIndex).toBe(0)
  })

  it('rejects a mainnet VAA whose recovery id byte is not 0 or 1', () => {
    const entry = mainnet!.vaas[0]!
    const bytes = hexToBytes(`0x${entry.vaa_hex}`)
    bytes[6 + 65]! += 27
    expectRejected(() => verifyVaa(bytes, setOf(entry.guardian_set_index)), 'bad signature')
  })
})

const keys: Hex[] = Array.from({ length: 19 }, (_, i) => keccak256(stringToHex(`unimargin devnet guardian ${i}`)))
const guardianSet: GuardianSet = { index: 5, keys: keys.map((k) => privateKeyToAddress(k)) }
const body: VaaBody = {
  timestamp: 1_700_000_000,
  nonce: 7,
  emitterChain: 2,
  emitterAddress: pad('0x5fbdb2315678afecb367f032d93f642f64180aa3', { size: 32 }),
  sequence: 12n,
  consistencyLevel: 1,
  payload: stringToHex('command'),
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('quorum', () => {
  it('is floor(2n/3)+1 as in the core contract', () => {
    expect([1, 2, 3, 4, 6, 7, 19].map(quorum)).toEqual([1, 2, 3, 3, 5, 5, 13])
  })
})

describe('signVaa and verifyVaa with 19 local guardians', () => {
  it('accepts 13 signatures (the quorum)', () => {
    const vaa = signVaa(body, keys, { guardianSetIndex: 5, signerIndices: range(13).map((i) => i + 6) })
    const result = verifyVaa(vaa, guardianSet)
    expect(result.signers).toEqual(guardianSet.keys.slice(6))
    expect(result.vaa).toMatchObject(body)
  })

  it('rejects 12 signatures with "no quorum"', () => {
    const vaa = signVaa(body, keys, { guardianSetIndex: 5, signerIndices: range(12) })
    const error = rejection(() => verifyVaa(vaa, guardianSet))
    expect(error.reason).toBe('no quorum')
    expect(error.message).toMatch(/12 signatures.*needs 13/)
  })

  it('accepts all 19 signatures', () => {
    expect(verifyVaa(signVaa(body, keys, { guardianSetIndex: 5 }), guardianSet).signers).toHaveLength(19)
  })

  it('writes the real guardian index of each signer of a subset, ascending, with v as 0 or 1', () => {
    const vaa = parseVaa(signVaa(body, keys, { guardianSetIndex: 5, signerIndices: [18, 3, 7] }))
    expect(vaa.guardianSetIndex).toBe(5)
    expect(vaa.signatures.map((s) => s.guardianIndex)).toEqual([3, 7, 18])
    for (const s of vaa.signatures) expect([0, 1]).toContain(s.signature.v)
  })

  it('signs deterministically (RFC 6979)', () => {
    expect(signVaa(body, keys, { guardianSetIndex: 5 })).toBe(signVaa(body, keys, { guardianSetIndex: 5 }))
  })

  it('refuses a repeated or out-of-range signer index', () => {
    expect(() => signVaa(body, keys, { guardianSetIndex: 5, signerIndices: [1, 1] })).toThrow(/listed twice/)
    expect(() => signVaa(body, keys, { guardianSetIndex: 5, signerIndices: [19] })).toThrow(/not in a guardian set/)
    expect(() => signVaa(body, [], { guardianSetIndex: 5 })).toThrow(/no guardian keys/)
  })

  it('rejects signatures whose guardian indices are not strictly ascending', () => {
    const vaa = parseVaa(signVaa(body, keys, { guardianSetIndex: 5, signerIndices: range(14) }))
    const swapped = [...vaa.signatures]
    ;[swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!]
    const error = rejection(() => verifyVaa(serializeVaa({ ...vaa, signatures: swapped }), guardianSet))
    expect(error.reason).toBe('signature indices must be ascending')
    expect(error.location.signatureIndex).toBe(4)
    const duplicated = [...vaa.signatures.slice(0, 13), vaa.signatures[12]!]
    expectRejected(() => verifyVaa(serializeVaa({ ...vaa, signatures: duplicated }), guardianSet), 'signature indices must be ascending')
  })

  it('rejects a signature whose guardian index is beyond the set', () => {
    const outsider = keccak256(stringToHex('not a guardian'))
    const vaa = parseVaa(signVaa(body, [...keys, outsider], { guardianSetIndex: 5, signerIndices: [...range(13), 19] }))
    expectRejected(() => verifyVaa(vaa, guardianSet), 'guardian index out of bounds')
  })

  it('rejects a signature by a key that is not the guardian at that index', () => {
    const impostorKeys = [...keys]
    impostorKeys[2] = keccak256(stringToHex('impostor'))
    const vaa = signVaa(body, impostorKeys, { guardianSetIndex: 5, signerIndices: range(13) })
    const error = rejection(() => verifyVaa(vaa, guardianSet))
    expect(error.reason).toBe('bad signature')
    expect(error.location).toEqual({ signatureIndex: 2, guardianIndex: 2 })
    expect(error.message).toContain(guardianSet.keys[2] as Address)
  })

  it('rejects malformed bytes, an empty guardian set and an expired guardian set', () => {
    const vaa = signVaa(body, keys, { guardianSetIndex: 5 })
    expectRejected(() => verifyVaa(vaa.slice(0, 100) as Hex, guardianSet), 'malformed')
    expectRejected(() => verifyVaa(vaa, { index: 5, keys: [] }), 'invalid guardian set')
    expectRejected(
      () => verifyVaa(vaa, { ...guardianSet, expirationTime: 1_000 }, { nowSeconds: 2_000 }),
      'guardian set has expired',
    )
    expect(verifyVaa(vaa, { ...guardianSet, expirationTime: 3_000 }, { nowSeconds: 2_000 }).signers).toHaveLength(19)
  })

  it('accepts a high-s signature as the EVM ecrecover does', () => {
    const vaa = parseVaa(signVaa(body, keys.slice(0, 1), { guardianSetIndex: 0 }))
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const { r, s, v } = vaa.signatures[0]!.signature
    const highS = { r, s: toHex(n - BigInt(s), { size: 32 }), v: 1 - v }
    const bytes = serializeVaa({ ...vaa, signatures: [{ guardianIndex: 0, signature: highS }] })
    expect(verifyVaa(bytes, { index: 0, keys: guardianSet.keys.slice(0, 1) }).signers).toEqual([guardianSet.keys[0]])
  })
})
