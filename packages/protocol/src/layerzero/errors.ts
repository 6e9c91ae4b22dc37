import { UnimarginError } from '@unimargin/errors'

/** A LayerZero packet or options blob could not be decoded, or a value is out of range for its field. */
export class LayerZeroCodecError extends UnimarginError {
  override name = 'LayerZeroCodecError'
}
