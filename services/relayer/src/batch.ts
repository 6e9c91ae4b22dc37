import { type Abi, decodeErrorResult, type Hex } from 'viem'
import type { UnimarginError } from '@unimargin/errors'
import { asStepError, NotYetError, PermanentDeliveryError, type StepFailedError } from './errors.js'
import type { CommandRow } from './outbox.js'
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

/**
 * What a step found for one command while it ran: `undefined` when the command's step succeeded, else the error that
 * stopped it (a {@link NotYetError} when it cannot run yet). A step turns its verdicts into {@link StepResult}s
 * before it returns ({@link stepResult}).
 */
export type Verdict = unknown

/**
 * What one command's batch step came to, carrying the command: `done`; `notYet`, to be tried again after
 * `retryInMs` ms without counting an attempt (`reason` says what it waits for); or `failed` with its error (a
 * project error; one from elsewhere is its `cause`), `retryable` unless it is a {@link PermanentDeliveryError}, which
 * no retry can change (the command is then dead-lettered).
 */
export type StepResult =
  | { kind: 'done'; command: CommandRow }
  | { kind: 'notYet'; command: CommandRow; retryInMs: number; reason: string }
  | { kind: 'failed'; command: CommandRow; error: UnimarginError; retryable: boolean }

/** The {@link StepResult} of `command` whose step ended with `verdict` (see {@link Verdict}). */
export function stepResult(command: CommandRow, verdict: Verdict): StepResult {
  if (verdict === undefined) return { kind: 'done', command }
  if (verdict instanceof NotYetError) return { kind: 'notYet', command, retryInMs: verdict.retryInMs, reason: verdict.shortMessage }
  return { kind: 'failed', command, error: asStepError(verdict), retryable: !(verdict instanceof PermanentDeliveryError) }
}

/** The tagged results of a step over `list` whose verdicts are `verdicts` (`verdicts[i]` for `list[i]`), in order. */
export function stepResults(list: readonly CommandRow[], verdicts: readonly Verdict[]): StepResult[] {
  return list.map((command, i) => stepResult(command, verdicts[i]))
}

/** Indices of `list` whose `check` passes, in order; an item whose check throws gets the error in `verdicts`. */
export async function passing<T>(list: readonly T[], verdicts: Verdict[], check: (item: T) => Promise<void>): Promise<number[]> {
  const ok = await Promise.all(
    list.map((item, i) =>
      check(item).then(
        () => true,
        (error: unknown) => {
          verdicts[i] = error
          return false
        },
      ),
    ),
  )
  return list.flatMap((_, i) => (ok[i] ? [i] : []))
}

/**
 * Runs `step` over `commands`: its results, or, when it throws (a failure shared by the batch), that error as every
 * command's failed result.
 */
export async function forAll(commands: readonly CommandRow[], step: () => Promise<StepResult[]>): Promise<StepResult[]> {
  try {
    return await step()
  } catch (error) {
    return commands.map((command) => stepResult(command, error))
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
  batchError: StepFailedError,
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
