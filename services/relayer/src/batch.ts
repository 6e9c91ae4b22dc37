import { type Abi, decodeErrorResult, type Hex } from 'viem'
import { NotYetError, PermanentDeliveryError } from './errors.js'
import { revertName } from './revert.js'

/** `xs` in consecutive slices of at most `size` items. @throws {RangeError} if `size` < 1. */
export function chunk<T>(xs: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`chunk size must be >= 1, got ${size}`)
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}

/**
 * `xs` in consecutive slices whose gas (`base` + the sum of `gasOf` over the slice) stays within `cap`, each of at
 * most `size` items. An item that alone exceeds the cap gets a slice of its own.
 */
export function chunkByGas<T>(xs: readonly T[], gasOf: (x: T) => bigint, base: bigint, cap: bigint, size: number): T[][] {
  const out: T[][] = []
  let current: T[] = []
  let gas = base
  for (const x of xs) {
    const g = gasOf(x)
    if (current.length > 0 && (current.length >= size || gas + g > cap)) {
      out.push(current)
      current = []
      gas = base
    }
    current.push(x)
    gas += g
  }
  if (current.length > 0) out.push(current)
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

/**
 * What one command's step came to: `done`; `notYet`, to be tried again after `retryInMs` ms without counting an
 * attempt; or `failed` with its error, `retryable` unless no retry can change it (then it is dead-lettered).
 */
export type StepOutcome = { kind: 'done' } | { kind: 'notYet'; retryInMs: number } | { kind: 'failed'; error: unknown; retryable: boolean }

/** The {@link StepOutcome} a step result stands for: undefined is done, a NotYetError not yet, anything else a failure. */
export function stepOutcome(result: StepResult): StepOutcome {
  if (result === undefined) return { kind: 'done' }
  if (result instanceof NotYetError) return { kind: 'notYet', retryInMs: result.retryInMs }
  return { kind: 'failed', error: result, retryable: !(result instanceof PermanentDeliveryError) }
}

/** Indices of `list` whose `check` passes, in order; an item whose check throws gets the error in `results`. */
export async function passing<T>(list: readonly T[], results: StepResult[], check: (item: T) => Promise<void>): Promise<number[]> {
  const ok = await Promise.all(
    list.map((item, i) =>
      check(item).then(
        () => true,
        (error: unknown) => {
          results[i] = error
          return false
        },
      ),
    ),
  )
  return list.flatMap((_, i) => (ok[i] ? [i] : []))
}

/** Runs `step` for every item of `items` and maps a thrown error to every item (a failure shared by a batch). */
export async function forAll<T>(items: readonly T[], step: () => Promise<StepResult[]>): Promise<StepResult[]> {
  try {
    return await step()
  } catch (error) {
    return items.map(() => error)
  }
}

/** Command codec errors (MarginHub decodes every payload it publishes): no retry can fix them. */
export const MALFORMED_PAYLOAD = new Set(['WrongPayloadLength', 'PayloadTooShort', 'UnsupportedVersion', 'UnknownKind', 'InvalidFlag'])

/**
 * After a batch transaction reverted, finds the items that make it revert by simulating each on its own: those get
 * their own error (permanent when it names a malformed payload), the others a `NotYetError` that re-sends them at
 * once without counting an attempt. When no item reverts alone (e.g. the batch ran out of gas), every item gets
 * `batchError`.
 * @param simulate resolves when item `i` alone would succeed; rejects with the (viem) error otherwise
 */
export async function isolateRevert(
  indices: number[],
  simulate: (i: number) => Promise<unknown>,
  batchError: Error,
): Promise<Map<number, Error>> {
  const alone = await Promise.all(indices.map((i) => simulate(i).then(() => undefined, (error: unknown) => error)))
  const out = new Map<number, Error>()
  if (alone.every((e) => e === undefined)) {
    for (const i of indices) out.set(i, batchError)
    return out
  }
  indices.forEach((i, k) => {
    const error = alone[k]
    if (error === undefined) out.set(i, new NotYetError(`re-sent without an item that made its batch revert (${batchError.message})`, 0))
    else {
      const name = revertName(error)
      out.set(i, name && MALFORMED_PAYLOAD.has(name) ? new PermanentDeliveryError(`the hub refused the payload: ${name}`) : (error as Error))
    }
  })
  return out
}
