import { type Config, routeTransport, type TransportName } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createPollLoop } from '@unimargin/lifecycle'
import type { Attester, CommandKindName } from '@unimargin/protocol'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { BaseError } from 'viem'
import { backoffDelayMs } from './backoff.js'
import { createRelayerContext } from './context.js'
import { NotYetError, PermanentDeliveryError } from './errors.js'
import { createLayerZeroTransport } from './layerzero/transport.js'
import { publishedTransport } from './layerzero/order.js'
import { claimDueCommands, type CommandRow, reschedule, transition } from './outbox.js'
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
  const work = pLimit(32)

  /** The transport a command was published with, or its route's for a command not published yet. */
  async function transportOf(command: CommandRow): Promise<Transport> {
    const published = command.publishTx ? await publishedTransport(db, command.id) : undefined
    const name = published === 'layerzero' || published === 'wormhole' ? published : routeTransport(config, command.destChainId)
    return transports[name]
  }

  async function advance(command: CommandRow): Promise<void> {
    const started = Date.now()
    try {
      const transport = await transportOf(command)
      await transport.advance(command)
      log.debug({ command_id: command.id, kind: command.kind, transport: transport.name, from: command.state, duration: Date.now() - started }, 'Advanced command')
    } catch (error) {
      if (error instanceof NotYetError) {
        await reschedule(db, command.id, error.retryInMs)
        return
      }
      const attempts = command.attempts + 1
      const message = error instanceof BaseError ? error.shortMessage : (error as Error).message
      if (error instanceof PermanentDeliveryError || attempts >= config.relayer.maxAttempts) {
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
