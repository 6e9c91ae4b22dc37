import { type Abi, decodeErrorResult, type Hex } from 'viem'

/** `xs` in consecutive slices of at most `size` items. @throws {RangeError} if `size` < 1. */
export function chunk<T>(xs: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`chunk size must be >= 1, got ${size}`)
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}

/** Groups `xs` by `key`, keeping first-seen order of keys and of items within a group. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const x of xs) {
    const k = key(x)
    const g = groups.get(k)
    if (g) g.push(x)
    else groups.set(k, [x])
  }
  return groups
}

/**
 * The custom error name in revert data `data` (a per-item failure a batch entry point caught), decoded with the
 * `error` entries of `abi`; undefined when the data is empty (e.g. out of gas) or no entry matches.
 */
export function revertDataName(abi: Abi, data: Hex): string | undefined {
  if (data === '0x') return undefined
  try {
    return decodeErrorResult({ abi, data }).errorName
  } catch {
    return undefined
  }
}

/** Per command of a batch step: `undefined` when its step succeeded, else what failed it (see Transport). */
export type StepResult = unknown

/** Runs `step` for every item of `items` and maps a thrown error to every item (a failure shared by a batch). */
export async function forAll<T>(items: readonly T[], step: () => Promise<StepResult[]>): Promise<StepResult[]> {
  try {
    return await step()
  } catch (error) {
    return items.map(() => error)
  }
}
