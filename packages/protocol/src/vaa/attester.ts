import type { Hex } from 'viem'
import type { MessageObservation } from './observation.js'
import { assertBytes32 } from './observation.js'
import { signVaa } from './sign.js'

/**
 * Turns an observed Wormhole message into signed VAA bytes that a vault's core contract accepts. The relayer
 * depends only on this interface: devnets sign locally, testnet/mainnet fetch the guardians' VAA.
 */
export type Attester = {
  /**
   * @param observation the message as seen in `LogMessagePublished`.
   * @returns the signed VAA as 0x-hex, whose body equals the observation.
   */
  attest(observation: MessageObservation): Promise<Hex>
}

/** Options of {@link createLocalGuardianAttester}. */
export type LocalGuardianAttesterOptions = {
  /** Private keys of the devnet guardian set (32-byte 0x-hex), in guardian-set order; all of them sign. */
  keys: readonly Hex[]
  /** Index of that guardian set on the devnet core contracts (0 after a fresh `Setup`). */
  guardianSetIndex: number
}

/**
 * An attester for devnets whose core contracts were set up with local guardian keys: every observation is signed
 * at once by all the keys (see `signVaa`).
 * @throws {TypeError} from `attest` if the observation's emitter address is not bytes32; {VaaSigningError} if a key
 *   is invalid.
 */
export function createLocalGuardianAttester(options: LocalGuardianAttesterOptions): Attester {
  const keys = [...options.keys]
  return {
    async attest(observation) {
      assertBytes32(observation.emitterAddress, 'emitterAddress')
      return signVaa(observation, keys, { guardianSetIndex: options.guardianSetIndex })
    },
  }
}
