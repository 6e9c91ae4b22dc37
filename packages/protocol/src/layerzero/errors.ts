/** A LayerZero packet or options blob could not be decoded, or a value is out of range for its field. */
export class LayerZeroCodecError extends Error {
  override name = 'LayerZeroCodecError'
}
