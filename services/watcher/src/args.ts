/**
 * Turns decoded event arguments into JSON-safe values: bigints become decimal strings, everything else is kept.
 * Addresses stay checksummed as viem decodes them.
 */
export function toJsonArgs(args: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  if (!args || typeof args !== 'object') return out
  for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
    if (typeof value === 'bigint') out[key] = value.toString()
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
    else out[key] = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
  }
  return out
}
