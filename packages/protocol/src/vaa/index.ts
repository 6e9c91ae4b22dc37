export { type Attester, createLocalGuardianAttester, type LocalGuardianAttesterOptions } from './attester.js'
export { parseVaa, serializeVaa, serializeVaaBody, vaaDigest } from './codec.js'
export {
  AttestationError,
  AttestationTimeoutError,
  VaaParseError,
  VaaSigningError,
  VaaVerificationError,
  type VaaVerificationFailure,
} from './errors.js'
export type { MessageObservation } from './observation.js'
export { type SignVaaOptions, signVaa } from './sign.js'
export type { GuardianSet, GuardianSignature, ParsedVaa, Vaa, VaaBody } from './types.js'
export { quorum, type VerifiedVaa, type VerifyVaaOptions, verifyVaa } from './verify.js'
export { createWormholescanAttester, type WormholescanAttesterOptions } from './wormholescan.js'
