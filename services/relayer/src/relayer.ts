import { type Config, getChain, type TransportName } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createPollLoop } from '@unimargin/lifecycle'
import { type Attester, type CommandKindName, commandOutcomeName } from '@unimargin/protocol'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { BaseError, type Hex } from 'viem'
import { backoffDelayMs } from './backoff.js'
import { createRelayerContext } from './context.js'
import { DEFAULT_FALLBACK_AFTER_MS, fallBack, otherTransport, type TransportStatus, transportStatus } from './fallback.js'
import { NotYetError, PermanentDeliveryError } from './errors.js'
import { createLayerZeroTransport } from './layerzero/transport.js'
import { claimDueCommands, type CommandRow, reschedule, transition } from './outbox.js'
import { type StepTiming, withReceiptWaitCounter } from './timing.js'
import type { Transport } from './transport.js'
import { createWormholeTransport } from './wormhole/transport.js'

export type CreateRelayerParameters = {
  db: Db
  config: Config
  logger: Logger
  /** signs or fetches the VAA for a published message */
  attester: Attester
  /** identifies this node in `commands.claimed_by` (default: `relayer-<pid>`) */
  id?: string
  /** delay between polls of the outbox, ms (default 100) */
  pollIntervalMs?: number
  /** commands claimed per poll (default 64) */
  batchSize?: number
  /** lzReceive gas per command kind for LayerZero routes (default `LZ_RECEIVE_GAS` of @unimargin/protocol) */
  lzReceiveGas?: Partial<Record<CommandKindName, bigint>>
  /**
   * ms a published command may go without progress (published, attested, delivered) on its transport before it is
   * re-sent, with the same command id and payload, over the other transport (once per command; default 60 000). A command whose retryable failures
   * exhaust `relayer.maxAttempts` falls back too instead of being dead-lettered. `Infinity` disables the timer.
   */
  fallbackAfterMs?: number
  /** commands advanced at once (default 32); each holds its slot while it waits for a receipt */
  concurrency?: number
  /** called after every step that succeeded on a transport, with its wall time and receipt waits (metrics, benchmarks) */
  onStep?: (timing: StepTiming) => void
}

export type Relayer = {
  /** Claims due commands and advances each by one step. Returns how many were advanced. */
  tick: () => Promise<number>
  start: () => void
  stop: () => Promise<void>
}

/**
 * Creates a relayer: claims outbox rows and carries each command over the transport of its route (the config's
 * `routes`: Wormhole by default, or LayerZero v2), one step per claim. Wormhole: publish through MarginHub, wait
 * for the hub chain's finality depth, obtain the VAA from the `attester`, deliver with `executeCommand`. LayerZero:
 * `publishLz` with a fee quoted at send time, verify as the destination's DVN, `lzReceive` as the executor in nonce
 * order per path. Both confirm by the vault's `CommandExecuted` event. Every step is one state transition
 * (pending → published → attested → delivered → executed), recorded in `command_transitions` with tx hashes; a
 * command keeps the transport it was published with even if its route changes later.
 * A failing step is retried with exponential backoff (`relayer.baseDelayMs · 2^attempt`, capped at
 * `relayer.maxDelayMs`) and dead-lettered after `relayer.maxAttempts`. Transactions are sent one at a time per
 * chain so nonces never collide; receipts are awaited outside that lock.
 */
export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const { db, config, attester } = parameters
  const id = parameters.id ?? `relayer-${process.pid}`
  const log = parameters.logger.child({ service: 'relayer', relayer_id: id })
  const ctx = createRelayerContext({ db, config, log })
  const transports: Record<TransportName, Transport> = {
    wormhole: createWormholeTransport(ctx, attester),
    layerzero: createLayerZeroTransport(ctx, { lzReceiveGas: parameters.lzReceiveGas }),
  }
  const work = pLimit(parameters.concurrency ?? 32)

  const fallbackAfterMs = parameters.fallbackAfterMs ?? DEFAULT_FALLBACK_AFTER_MS

  /**
   * Re-sends `command` over the other transport when it can still fall back (never did, the other transport is
   * configured on both ends). If a delivery already executed it, records that execution instead.
   * @returns whether the command was taken off its current transport.
   */
  async function tryFallBack(command: CommandRow, status: TransportStatus, reason: string): Promise<boolean> {
    if (status.fellBackFrom) return false
    const to = otherTransport(config, status.current, command.destChainId)
    if (!to) return false
    const event = await ctx.findExecution(getChain(config, command.destChainId), command.id as Hex)
    if (event) {
      const outcome = commandOutcomeName(event.outcome)
      await transition(db, command, 'executed', { tx: event.transactionHash, outcome, note: 'executed before the fallback' }, { deliverTx: event.transactionHash, outcome, lastError: null })
      return true
    }
    const stalledMs = status.lastProgressAt === undefined ? 0 : Date.now() - status.lastProgressAt
    const moved = await fallBack(db, command, status.current, to, reason, stalledMs)
    if (moved) log.warn({ command_id: command.id, from: status.current, to, stalled_ms: stalledMs, reason }, 'Re-sent command over the other transport')
    return moved
  }

  async function advance(command: CommandRow): Promise<void> {
    const started = Date.now()
    let status: TransportStatus | undefined
    try {
      status = await transportStatus(db, config, command)
      const stalled = status.lastProgressAt !== undefined && started - status.lastProgressAt >= fallbackAfterMs
      if (stalled && (await tryFallBack(command, status, `not executed after ${fallbackAfterMs} ms`))) return
      const transport = transports[status.current]
      const stepStarted = performance.now()
      const { receiptWaitMs } = await withReceiptWaitCounter(() => transport.advance(command))
      parameters.onStep?.({ commandId: command.id, transport: transport.name, from: command.state, durationMs: performance.now() - stepStarted, receiptWaitMs })
      log.debug({ command_id: command.id, kind: command.kind, transport: transport.name, from: command.state, duration: Date.now() - started }, 'Advanced command')
    } catch (error) {
      if (error instanceof NotYetError) {
        await reschedule(db, command.id, error.retryInMs)
        return
      }
      const attempts = command.attempts + 1
      const message = error instanceof BaseError ? error.shortMessage : (error as Error).message
      if (error instanceof PermanentDeliveryError || attempts >= config.relayer.maxAttempts) {
        if (!(error instanceof PermanentDeliveryError) && status && (await tryFallBack(command, status, `${attempts} attempts failed: ${message}`).catch(() => false))) return
        log.error({ command_id: command.id, attempts, err: message }, 'Dead-lettered command')
        await transition(db, command, 'dead', { error: message, attempts }, { attempts, lastError: message })
        return
      }
      const delayMs = backoffDelayMs(attempts, config.relayer.baseDelayMs, config.relayer.maxDelayMs)
      log.warn({ command_id: command.id, attempts, retry_in_ms: delayMs, err: message }, 'Failed to advance command')
      await transition(db, command, 'failed', { error: message, attempts, retry_in_ms: delayMs }, {
        attempts,
        lastError: message,
        nextAttemptAt: new Date(Date.now() + delayMs),
      })
    }
  }

  async function tick(): Promise<number> {
    const due = await claimDueCommands(db, id, parameters.batchSize ?? 64, 60_000)
    await Promise.all(due.map((command) => work(() => advance(command))))
    return due.length
  }

  const loop = createPollLoop({
    intervalMs: parameters.pollIntervalMs ?? 100,
    run: async () => (await tick()) > 0,
    onError: (error, failures, retryInMs) =>
      log.warn({ err: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to poll the outbox'),
  })

  return {
    tick,
    start: loop.start,
    stop: loop.stop,
  }
}
