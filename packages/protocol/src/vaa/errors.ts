import type { Hex } from 'viem'
import { UnimarginError } from '@unimargin/errors'

/** Thrown when bytes are not a well-formed version-1 VAA. */
export class VaaParseError extends UnimarginError {
  override name = 'VaaParseError'
  constructor(
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`VAA could not be parsed: ${message}`, options)
  }
}

/** What made a VAA fail verification; the strings mirror the core contract's revert reasons where one exists. */
export type VaaVerificationFailure =
  /** The bytes do not parse as a VAA. */
  | 'malformed'
  /** The VAA names a different guardian set than the one given. */
  | 'wrong guardian set'
  /** The guardian set has no keys (core: "invalid guardian set"). */
  | 'invalid guardian set'
  /** The guardian set expired (core: "guardian set has expired"). */
  | 'guardian set has expired'
  /** Fewer signatures than floor(2n/3)+1 (core: "no quorum"). */
  | 'no quorum'
  /** Guardian indices are not strictly increasing (core: "signature indices must be ascending"). */
  | 'signature indices must be ascending'
  /** A guardian index is not in the set (core: "guardian index out of bounds"). */
  | 'guardian index out of bounds'
  /** A signature does not recover to the guardian at its index (core: "VM signature invalid"). */
  | 'bad signature'

/**
 * Thrown by `verifyVaa`. `reason` says what failed; `signatureIndex` and `guardianIndex` locate the offending
 * signature when there is one.
 */
export class VaaVerificationError extends UnimarginError {
  override name = 'VaaVerificationError'
  constructor(
    readonly reason: VaaVerificationFailure,
    detail: string,
    readonly location: { signatureIndex?: number; guardianIndex?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(`VAA rejected (${reason}): ${detail}`, options)
  }
}

/** Thrown by `signVaa` when the keys or signer indices cannot produce a valid VAA. */
export class VaaSigningError extends UnimarginError {
  override name = 'VaaSigningError'
  constructor(message: string) {
    super(`VAA could not be signed: ${message}`)
  }
}

/** Thrown when no signed VAA for an observation arrived before the attester's timeout. */
export class AttestationTimeoutError extends UnimarginError {
  override name = 'AttestationTimeoutError'
  /** the guardians may still sign */
  override readonly retryable = true
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `No signed VAA at ${url} after ${timeoutMs} ms (${attempts} attempts). The guardians may not have reached the ` +
        `emitter's consistency level yet, or the API does not index this emitter; raise timeoutMs or check the URL.`,
      options,
    )
  }
}

/** Thrown when an attestation source answers with something unusable (bad status, unparsable VAA, wrong body). */
export class AttestationError extends UnimarginError {
  override name = 'AttestationError'
  constructor(
    message: string,
    readonly vaa?: Hex,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
