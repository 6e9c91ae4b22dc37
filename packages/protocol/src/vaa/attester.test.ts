import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
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

  it('signs in worker threads exactly the VAA it signs on the calling thread (RFC 6979 signatures are deterministic)', async () => {
    const inThread = createLocalGuardianAttester({ keys, guardianSetIndex: 0, signerThreads: 0 })
    const threaded = createLocalGuardianAttester({ keys, guardianSetIndex: 0, signerThreads: 2 })
    const observations = Array.from({ length: 6 }, (_, i) => ({ ...observation, sequence: BigInt(i) }))
    const vaas = await Promise.all(observations.map((o) => threaded.attest(o)))
    expect(vaas).toEqual(await Promise.all(observations.map((o) => inThread.attest(o))))
    for (const [i, vaa] of vaas.entries()) expect(verifyVaa(vaa, { index: 0, keys: keys.map((k) => privateKeyToAddress(k)) }).vaa.sequence).toBe(BigInt(i))
  })

  it('rejects with a signing error when a guardian key is not a valid private key', async () => {
    const attester = createLocalGuardianAttester({ keys: [keys[0]!, `0x${'00'.repeat(32)}`], guardianSetIndex: 0 })
    await expect(attester.attest(observation)).rejects.toThrow(/could not sign/)
  })

  it('lets a process that signed with worker threads exit once no signature is outstanding', async () => {
    const script = `
      import { createLocalGuardianAttester } from '${new URL('./attester.ts', import.meta.url).href}'
      const attester = createLocalGuardianAttester({ keys: ['${keys[0]}'], guardianSetIndex: 0, signerThreads: 2 })
      const observation = { emitterChain: 2, emitterAddress: '${observation.emitterAddress}', sequence: 1n, nonce: 0, timestamp: 1, consistencyLevel: 1, payload: '0x00' }
      await Promise.all([attester.attest(observation), attester.attest(observation)])
      console.log('signed')`
    const root = fileURLToPath(new URL('../../../..', import.meta.url))
    // a thread held open would keep the child alive until the timeout kills it
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 20_000 })
    expect(stdout.trim()).toBe('signed')
  })
})
