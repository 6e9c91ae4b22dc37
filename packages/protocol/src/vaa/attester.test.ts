import { keccak256, pad, stringToHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createLocalGuardianAttester } from './attester.js'
import type { MessageObservation } from './observation.js'
import { verifyVaa } from './verify.js'

const keys = [0, 1, 2, 3].map((i) => keccak256(stringToHex(`devnet guardian ${i}`)))
const observation: MessageObservation = {
  emitterChain: 2,
  emitterAddress: pad('0x5fbdb2315678afecb367f032d93f642f64180aa3', { size: 32 }),
  sequence: 3n,
  nonce: 0,
  timestamp: 1_700_000_123,
  consistencyLevel: 1,
  payload: stringToHex('lock'),
}

describe('createLocalGuardianAttester', () => {
  it('returns a VAA signed by every local guardian whose body is the observation', async () => {
    const attester = createLocalGuardianAttester({ keys, guardianSetIndex: 0 })
    const vaa = await attester.attest(observation)
    const { vaa: parsed, signers } = verifyVaa(vaa, { index: 0, keys: keys.map((k) => privateKeyToAddress(k)) })
    expect(parsed).toMatchObject(observation)
    expect(signers).toHaveLength(4)
  })

  it('refuses an emitter address that is not padded to 32 bytes', async () => {
    const attester = createLocalGuardianAttester({ keys, guardianSetIndex: 0 })
    await expect(
      attester.attest({ ...observation, emitterAddress: '0x5fbdb2315678afecb367f032d93f642f64180aa3' }),
    ).rejects.toThrow(/32 bytes/)
  })
})
