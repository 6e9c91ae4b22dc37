import { AsyncLocalStorage } from 'node:async_hooks'
import type { TransportName } from '@unimargin/chains'
import type { CommandState } from '@unimargin/db'

/** One step of one command, as the relayer ran it (the step of its whole batch). Durations in ms (`performance.now()`). */
export type StepTiming = {
  commandId: string
  transport: TransportName
  /** the state the step started from */
  from: CommandState
  /** wall time of the step, from claim to its transition (or failure) */
  durationMs: number
  /**
   * part of `durationMs` spent waiting for confirmations, not relayer work: transaction receipts (block inclusion)
   * and the guardians' signatures (VAAs); overlapping waits count once
   */
  waitMs: number
  /** commands that shared the step (and its transaction) */
  batchSize: number
}

/** A step's confirmation waits: their union in time, so waits on several chains at once count once. */
type WaitCounter = { waitMs: number; active: number; since: number }
const current = new AsyncLocalStorage<WaitCounter>()

/** Runs `step` with a wait counter that {@link countWait} adds to. @returns its result and the wait, ms. */
export async function withWaitCounter<T>(step: () => Promise<T>): Promise<{ result: T; waitMs: number }> {
  const counter: WaitCounter = { waitMs: 0, active: 0, since: 0 }
  const result = await current.run(counter, step)
  return { result, waitMs: counter.waitMs }
}

/**
 * Awaits `wait` (a receipt, or a VAA from the guardians), counting its duration against the step running now, if
 * any. Overlapping waits of one step count as the time any of them was pending, never more than the step's wall time.
 */
export async function countWait<T>(wait: Promise<T>): Promise<T> {
  const counter = current.getStore()
  if (counter && counter.active++ === 0) counter.since = performance.now()
  try {
    return await wait
  } finally {
    if (counter && --counter.active === 0) counter.waitMs += performance.now() - counter.since
  }
}

/**
 * `promise`, or a rejection once `ms` have passed. The work itself goes on; whatever it records later is checked
 * against the command's state again.
 * @throws Error naming `what` on timeout.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
