import type { Config } from '@unimargin/chains'
import { createPollLoop, type Watchdog } from '@unimargin/lifecycle'
import { asc, chainEvents, type Db, isNull } from '@unimargin/db'
import type { Logger } from 'pino'
import { toUnixSeconds } from '../common/format.js'
import { publishCheckpoints } from '../escape/index.js'
import { processEvent } from '../events/index.js'
import { joinRecordedVault } from '../registry/index.js'

export type CreateAggregatorParameters = {
  db: Db
  /** reports a round that never ends (a hung query or RPC): the node exits so its supervisor restarts it */
  watchdog?: Watchdog | undefined
  config: Config
  logger: Logger
  /** the clock (tests pin it); default `() => new Date()` */
  now?: () => Date
  /** poll interval of {@link Aggregator.start}, ms (default 250) */
  pollIntervalMs?: number
}

export type Aggregator = {
  /**
   * Applies up to `limit` unprocessed chain events in id order, each in its own transaction (row locked
   * `FOR UPDATE SKIP LOCKED`, state changes, decisions, outbox rows and `processed_at` committed together).
   * @returns how many events were processed (applied or ignored).
   * @throws the database error that aborted an event's transaction; that event stays unprocessed.
   */
  processPending: (limit?: number) => Promise<number>
  /**
   * Starts polling for new events, and an escape checkpoint round ({@link publishCheckpoints}) every
   * `escape.checkpointIntervalSeconds` (the first one interval after start); errors are logged and retried with
   * growing delay.
   */
  start: () => void
  /** Stops polling and waits for the event being applied to commit (the rest of its batch waits for the next start). */
  stop: () => Promise<void>
}

/**
 * Creates the aggregator: the single writer of account state and decisions, fed by the watchers' `chain_events`.
 * @example const aggregator = createAggregator({ db, config, logger }); aggregator.start()
 */
export function createAggregator(parameters: CreateAggregatorParameters): Aggregator {
  const { db, config, now = () => new Date(), pollIntervalMs = 250 } = parameters
  const logger = parameters.logger.child({ service: 'aggregator' })

  async function processOne(): Promise<boolean> {
    return db.transaction(async (tx) => {
      const [event] = await tx
        .select()
        .from(chainEvents)
        .where(isNull(chainEvents.processedAt))
        .orderBy(asc(chainEvents.id))
        .limit(1)
        .for('update', { skipLocked: true })
      if (!event) return false
      // a chain registered in the VaultRegistry whose vault this node has not joined yet
      if (!config.chains.some((c) => c.chainId === event.chainId)) await joinRecordedVault(tx, config, event.chainId)
      const started = Date.now()
      // one instant per event, recorded as its `processed_at`: a rebuild replays the event at exactly that time, so
      // what it stamps and reads by the clock (transitions, hence route latencies and buffers, and their windows)
      // comes out the same
      const at = now()
      const result = await processEvent({ tx, config, logger, now: () => at }, event)
      const fields = {
        event_id: event.id.toString(),
        chain_id: event.chainId,
        block_number: event.blockNumber.toString(),
        event_name: event.eventName,
        duration: Date.now() - started,
      }
      // an ignored event (one per price tick on most chains) is routine: debug, like a processed one
      logger.debug({ ...fields, result }, result === 'ignored' ? 'Ignored event' : 'Processed event')
      return true
    })
  }

  async function processPending(limit = 1000): Promise<number> {
    let processed = 0
    while (processed < limit && (await processOne())) processed++
    return processed
  }

  /** set by `stop()`: the loop's round in progress ends after the event it is applying, not after its whole batch */
  let stopping = false
  async function round(limit = 1000): Promise<boolean> {
    let processed = 0
    while (processed < limit && !stopping && (await processOne())) processed++
    return processed > 0
  }

  const loop = createPollLoop({
    watchdog: parameters.watchdog,
    name: 'aggregator',
    intervalMs: pollIntervalMs,
    run: () => round(),
    onError: (error, failures, retryInMs) =>
      logger.error({ error: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to process events'),
  })

  const checkpointIntervalMs = config.escape.checkpointIntervalSeconds * 1000
  let checkpointDueMs = Number.POSITIVE_INFINITY
  const checkpointLoop = createPollLoop({
    watchdog: parameters.watchdog,
    name: 'escape-checkpoint',
    intervalMs: checkpointIntervalMs,
    run: async () => {
      if (now().getTime() < checkpointDueMs) return false
      checkpointDueMs = now().getTime() + checkpointIntervalMs
      const { published } = await db.transaction((tx) => publishCheckpoints({ tx, config, logger, now, referenceTs: toUnixSeconds(now()) }))
      logger.info({ created: published.filter((p) => p.created).map((p) => p.chainId) }, 'Escape checkpoint round')
      return false
    },
    onError: (error, failures, retryInMs) =>
      logger.error({ error: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed an escape checkpoint round'),
  })

  return {
    processPending,
    start() {
      logger.info({ chains: config.chains.map((c) => c.chainId), reference_ts: toUnixSeconds(now()).toString() }, 'Started aggregator')
      stopping = false
      loop.start()
      checkpointDueMs = now().getTime() + checkpointIntervalMs
      checkpointLoop.start()
    },
    async stop() {
      stopping = true
      await checkpointLoop.stop()
      await loop.stop()
      logger.info({}, 'Stopped aggregator')
    },
  }
}
