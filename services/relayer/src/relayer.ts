import { type Config, getChain, type TransportName } from '@unimargin/chains'
import { createLeaseKeeper, type Db, type LeaseKeeper } from '@unimargin/db'
import { createPollLoop, type Watchdog } from '@unimargin/lifecycle'
import { type Attester, type CommandKindName, commandOutcomeName } from '@unimargin/protocol'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { BaseError, type Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { backoffDelayMs } from './backoff.js'
import { groupBy, type StepResult, stepResult } from './batch.js'
import { createRelayerContext } from './context.js'
import { createSizeCheck, publishCompanions } from './dual.js'
import { CoSignRefusedError, type CoSigners, coSignersFromConfig, gatherCoSignatures } from './cosign.js'
import { relayerDeadLetters, relayerFallbacks } from './relayerMetrics.js'
import { DEFAULT_FALLBACK_AFTER_MS, fallBack, lastRouteExecution, otherTransport, type TransportStatus, transportStatuses } from './fallback.js'
import { PermanentDeliveryError, StepFailedError } from './errors.js'
import { createLayerZeroTransport } from './layerzero/transport.js'
import { claimDueCommands, type CommandRow, releaseClaims, rescheduleMany, transition } from './outbox.js'
import { type StepTiming, withWaitCounter, withTimeout } from './timing.js'
import type { Transport } from './transport.js'
import { createWormholeTransport } from './wormhole/transport.js'

/** How long a relayer holds the commands it claimed, ms; another node may take them after that. */
const LEASE_MS = 60_000
/** Commands whose transport status a relayer keeps in memory (least recently read dropped first). */
const STATUS_CACHE_SIZE = 100_000
/** Default time a step may take before its commands fail and are retried, ms. */
export const DEFAULT_STEP_TIMEOUT_MS = 45_000

export type CreateRelayerParameters = {
  db: Db
  /** reports a round that never ends (a hung query or RPC): the node exits so its supervisor restarts it */
  watchdog?: Watchdog | undefined
  config: Config
  logger: Logger
  /** signs or fetches the VAA for a published message */
  attester: Attester
  /**
   * identifies this node in `commands.claimed_by`: a stable node id, the same across restarts of the node and unique
   * among live nodes. Claims held under it when the relayer starts are leftovers of the node's previous run: they are
   * released on the first poll, so that work resumes at once instead of after the lease. Default `relayer-<pid>`,
   * under which nothing is released (pids repeat across hosts and containers).
   */
  id?: string
  /** delay between polls of the outbox, ms (default 100) */
  pollIntervalMs?: number
  /** commands claimed per poll (default 512) */
  batchSize?: number
  /** lzReceive gas per command kind for LayerZero routes (default `LZ_RECEIVE_GAS` of @unimargin/protocol) */
  lzReceiveGas?: Partial<Record<CommandKindName, bigint>>
  /**
   * Gas a LayerZero packet typically takes inside `LzWorker.deliver` per command kind, from which delivery gas limits
   * are summed (default `DELIVERY_PACKET_GAS`, measured on the devnet's vaults): raise it for vaults that cost more
   */
  deliveryPacketGas?: Partial<Record<CommandKindName, bigint>>
  /**
   * ms a route must be stalled before its commands are re-sent, with the same command id and payload, over the other
   * transport (once per command; default 60 000): a published command has gone that long without progress
   * (published, attested, delivered) on its transport, and nothing executed on its route (transport, destination
   * chain) for that long either, so a route that is only backlogged keeps its commands. A command whose retryable
   * failures exhaust `relayer.maxAttempts` falls back too instead of being dead-lettered. `Infinity` disables the timer.
   */
  fallbackAfterMs?: number
  /** batches advanced at once (default 32); each holds its slot while it waits for a receipt */
  concurrency?: number
  /** ms a step may take, receipts included, before its commands fail and are retried (default 45 000, under the 60 s claim) */
  stepTimeoutMs?: number
  /** called after every step that succeeded on a transport, with its wall time and receipt waits (metrics, benchmarks) */
  onStep?: (timing: StepTiming) => void
  /** where co-signatures come from (default: the config's `coSigners`, over HTTP) */
  coSigners?: CoSigners
  /**
   * Share the relayer key with other nodes on the same database: the relayer runs only while this node (`id`) holds
   * the key's lease `relayer:<address>` (see `createLeaseKeeper` of @unimargin/db), so one node at a time sends from
   * the key on every chain and nonces never clash; the others stand by and take over within `ttlMs` (default 6 000)
   * plus `intervalMs` of the holder's death. Absent: this relayer is the key's only one.
   */
  lease?: { ttlMs?: number; intervalMs?: number }
}

export type Relayer = {
  /** Claims due commands, advances each by one step (batched by transport, step and destination) and waits for those steps. Returns how many were claimed. */
  tick: () => Promise<number>
  start: () => void
  stop: () => Promise<void>
  /** whether this relayer sends now: it holds the key's lease, or runs without one */
  active: () => boolean
}

/** Longest wait, ms, for the key's transactions an earlier holder left pending before a new holder starts sending. */
const TAKEOVER_SETTLE_MS = 30_000

/**
 * Creates a relayer: claims outbox rows and carries each command over the transport of its route (the config's
 * `routes`: Wormhole by default, or LayerZero v2), in batches: the claimed commands are grouped by transport and
 * step (and destination where the step sends there) and each group advances by one step, usually one transaction
 * for the whole group. Wormhole: `MarginHub.publishBatch`, wait for the hub chain's finality depth, obtain each VAA
 * from the `attester`, deliver with `MarginVault.executeCommands`. LayerZero: `MarginHub.publishLzBatch` with fees
 * quoted at send time, then once final one `LzWorker.deliver` per destination that verifies (as the path's required
 * DVN), commits and executes (`lzReceive`) the packets in nonce order. Both confirm by the vault's
 * `CommandExecuted` event. Before publishing, each command must hold the hub's threshold of co-signatures: the relayer
 * asks the co-signers (`coSigners`) for the missing ones and stores them (`command_signatures`); a command they refuse
 * fails with their reasons in its transition and is retried with backoff (a co-signer behind the chains may sign
 * later), then dead-lettered. Every state transition (pending → published → attested → delivered → executed) is
 * recorded in `command_transitions` with tx hashes; a command keeps the transport it was published with even if
 * its route changes later. The poll loop starts steps without waiting for them, so while one batch waits for its
 * block the next is already on its way.
 * A failing command is retried with exponential backoff (`relayer.baseDelayMs · 2^attempt`, capped at
 * `relayer.maxDelayMs`) and dead-lettered after `relayer.maxAttempts`; one failing item of a batch does not fail
 * the others. Transactions are sent one at a time per chain (nonces counted locally, send/nonceManager.ts) so
 * nonces never collide; receipts are awaited outside that lock. With `lease`, several nodes may run a relayer with
 * the same key: only the lease holder claims and sends, and a node taking the lease over first lets the previous
 * holder's pending transactions be mined and releases its claims. Under a stable node id (`id`), the first poll first releases the claims the node's
 * previous run left (a SIGKILL leaves them for the 60 s lease), so those commands resume at once from their state.
 */
export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const { db, config, attester } = parameters
  const id = parameters.id ?? `relayer-${process.pid}`
  const log = parameters.logger.child({ service: 'relayer', relayer_id: id })
  const coSigners = parameters.coSigners ?? (config.coSigners ? coSignersFromConfig(config) : undefined)
  /** set when this node took the key's lease: the work to do before its first claim (see {@link takeOver}) */
  let takingOver: { takenFrom: string | undefined; at: number } | undefined
  const lease: LeaseKeeper | undefined = parameters.lease
    ? createLeaseKeeper({
        db,
        name: `relayer:${privateKeyToAddress(config.relayer.privateKey).toLowerCase()}`,
        holder: id,
        ...parameters.lease,
        onAcquired: ({ takenFrom }) => {
          takingOver = { takenFrom, at: performance.now() }
          log.info({ taken_from: takenFrom }, 'Holding the relayer key\'s lease: this node relays')
        },
        onLost: ({ reason }) => log.warn({ reason }, 'Lost the relayer key\'s lease: standing by'),
        onError: (error) => log.warn({ err: (error as Error).message }, 'Failed to renew the relayer key\'s lease'),
      })
    : undefined
  const active = () => (lease ? lease.held() : true)
  const ctx = createRelayerContext({ db, config, log, coSigned: coSigners !== undefined, keyHeld: lease ? active : undefined })
  const transports: Record<TransportName, Transport> = {
    wormhole: createWormholeTransport(ctx, attester),
    layerzero: createLayerZeroTransport(ctx, { lzReceiveGas: parameters.lzReceiveGas, deliveryPacketGas: parameters.deliveryPacketGas }),
  }
  const concurrency = parameters.concurrency ?? 32
  const work = pLimit(concurrency)
  const stepTimeoutMs = parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS

  const fallbackAfterMs = parameters.fallbackAfterMs ?? DEFAULT_FALLBACK_AFTER_MS
  const needsBothTransports = createSizeCheck(ctx)

  /**
   * Starts the never-published pending commands of `due` that move at least their vault's dual-transport threshold
   * (and whose route has both transports) over both at once (dual.ts). If that fails they go over one transport
   * first and the vault's hold sends them over the other.
   * @returns the ids so planned; their claims are released and they continue at the next poll.
   */
  async function planBothTransports(due: CommandRow[], statuses: Map<string, TransportStatus>): Promise<Set<string>> {
    const candidates = due.filter((c) => {
      const s = statuses.get(c.id)!
      return c.state === 'pending' && !s.published && !s.dual && !s.fellBackFrom && otherTransport(config, 'wormhole', c.destChainId) === 'layerzero'
    })
    if (candidates.length === 0) return new Set()
    try {
      const large = await Promise.all(candidates.map((c) => needsBothTransports(c).catch(() => false)))
      // the companion is a publish like any other: only with the co-signatures MarginHub needs (a refused command
      // goes over its route alone; its normal publish step gathers them again)
      const { ready } = await coSigned(candidates.filter((_, i) => large[i]))
      const planned = await publishCompanions(ctx, ready)
      if (planned.size > 0) log.info({ command_ids: [...planned] }, 'Carrying commands above their vault\'s size over both transports')
      return planned
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'Failed to publish the second copy of large commands; the vault\'s hold sends it later')
      return new Set()
    }
  }

  /**
   * Re-sends `command` over the other transport when it can still fall back (never did, the other transport is
   * configured on both ends). If a delivery already executed it, records that execution instead. A command carried
   * over both transports from the start (dual.ts) never falls back: its other copy is already out, and its vault
   * executes it only once this transport delivers too, so publishing it again elsewhere would only duplicate it.
   * @returns whether the command was taken off its current transport.
   */
  async function tryFallBack(command: CommandRow, status: TransportStatus, reason: string): Promise<boolean> {
    if (status.fellBackFrom || status.dual) return false
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
    if (moved) {
      relayerFallbacks.inc({ chain: getChain(config, command.destChainId).name, from: status.current, to })
      log.warn({ command_id: command.id, from: status.current, to, stalled_ms: stalledMs, reason }, 'Re-sent command over the other transport')
    }
    return moved
  }

  /** What a failed step leads to: dead-letter, fallback, or a retry with backoff (see {@link StepResult}). */
  async function failed(command: CommandRow, status: TransportStatus | undefined, error: unknown, retryable = !(error instanceof PermanentDeliveryError)): Promise<void> {
    const attempts = command.attempts + 1
    const message = error instanceof BaseError ? error.shortMessage : (error as Error).message
    const refusals = error instanceof CoSignRefusedError ? { refusals: error.refusals } : {}
    if (!retryable || attempts >= config.relayer.maxAttempts) {
      if (retryable && !(error instanceof CoSignRefusedError) && status && (await tryFallBack(command, status, `${attempts} attempts failed: ${message}`).catch(() => false))) return
      log.error({ command_id: command.id, attempts, err: message }, 'Dead-lettered command')
      await transition(db, command, 'dead', { error: message, attempts, ...refusals }, { attempts, lastError: message })
      relayerDeadLetters.inc({ chain: getChain(config, command.destChainId).name, kind: command.kind })
      return
    }
    const delayMs = backoffDelayMs(attempts, config.relayer.baseDelayMs, config.relayer.maxDelayMs)
    log.warn({ command_id: command.id, attempts, retry_in_ms: delayMs, err: message }, 'Failed to advance command')
    await transition(db, command, 'failed', { error: message, attempts, retry_in_ms: delayMs, ...refusals }, {
      attempts,
      lastError: message,
      nextAttemptAt: new Date(Date.now() + delayMs),
    })
  }

  /**
   * Before a publish step: the commands of `list` that hold the co-signatures they need (asking the co-signers for
   * the missing ones), and the error of each that does not.
   */
  async function coSigned(list: CommandRow[]): Promise<{ ready: CommandRow[]; refused: Map<CommandRow, unknown> }> {
    const refused = new Map<CommandRow, unknown>()
    if (!coSigners) {
      for (const c of list) refused.set(c, new StepFailedError('No coSigners configured: MarginHub publishes nothing without co-signatures.'))
      return { ready: [], refused }
    }
    const errors = await (async () => gatherCoSignatures(db, config, coSigners, list, await ctx.coSignThreshold!()))().catch((error: unknown) => list.map(() => error))
    list.forEach((c, i) => {
      if (errors[i] !== undefined) refused.set(c, errors[i])
    })
    return { ready: list.filter((c) => !refused.has(c)), refused }
  }

  /** Advances one batch (commands sharing a transport and batch key) by a step, then settles each command. */
  async function runBatch(transport: Transport, all: CommandRow[], statuses: Map<string, TransportStatus>): Promise<void> {
    const started = performance.now()
    let results: StepResult[]
    let waitMs = 0
    let list = all
    let refused = new Map<CommandRow, unknown>()
    if (transport.batchKey(all[0]!) === 'publish') ({ ready: list, refused } = await coSigned(all))
    try {
      const step = list.length === 0 ? { result: [], waitMs: 0 } : await withWaitCounter(() => withTimeout(transport.advance(list), stepTimeoutMs, `${transport.name} step`))
      results = step.result
      waitMs = step.waitMs
    } catch (error) {
      results = list.map((command) => stepResult(command, error))
    }
    for (const [command, error] of refused) {
      await failed(command, statuses.get(command.id), error).catch((e: unknown) =>
        log.warn({ command_id: command.id, err: (e as Error).message }, 'Failed to record a refused co-signature; the claim expires and it is retried'),
      )
    }
    const durationMs = performance.now() - started
    // a step past publishing that succeeded executed its commands: the route is moving
    const executes = transport.batchKey(all[0]!) !== 'publish'
    const notYet = new Map<number, string[]>()
    await Promise.all(
      results.map(async (outcome) => {
        const { command } = outcome
        if (outcome.kind === 'done') {
          if (executes) routeProgress.set(routeKey(transport.name, command.destChainId), Date.now())
          parameters.onStep?.({ commandId: command.id, transport: transport.name, from: command.state, durationMs, waitMs, batchSize: list.length })
          return
        }
        if (outcome.kind === 'notYet') {
          notYet.set(outcome.retryInMs, [...(notYet.get(outcome.retryInMs) ?? []), command.id])
          return
        }
        try {
          await failed(command, statuses.get(command.id), outcome.error, outcome.retryable)
        } catch (e) {
          log.warn({ command_id: command.id, err: (e as Error).message }, 'Failed to record a failed step; the claim expires and it is retried')
        }
      }),
    )
    for (const [delayMs, ids] of notYet) await rescheduleMany(db, ids, delayMs)
    log.debug({ transport: transport.name, commands: list.length, from: list[0]?.state, duration: Math.round(durationMs) }, 'Advanced batch')
  }

  /** When this relayer last executed a command on each route (`transport|destChainId`), ms since the epoch. */
  const routeProgress = new Map<string, number>()
  const routeKey = (transport: TransportName, destChainId: number) => `${transport}|${destChainId}`

  /**
   * Whether nothing executed on the route of a command stalled on `transport` for `fallbackAfterMs`: first from
   * this relayer's own steps (cheap), then from every relayer's recorded executions. `checked` keeps one answer per route for a dispatch.
   */
  async function routeStalled(transport: TransportName, destChainId: number, now: number, checked: Map<string, Promise<boolean>>): Promise<boolean> {
    const key = routeKey(transport, destChainId)
    if (now - (routeProgress.get(key) ?? 0) < fallbackAfterMs) return false
    let answer = checked.get(key)
    if (!answer) {
      answer = lastRouteExecution(db, transport, destChainId, now - fallbackAfterMs).then((at) => at === undefined)
      checked.set(key, answer)
    }
    return answer
  }

  /**
   * Transport statuses of `due`, read from the transitions only for commands that moved since this relayer last
   * read them (a status changes only with a transition, which also changes `updated_at`): a command waiting for
   * finality is claimed several times without a query each time.
   */
  const statusCache = new Map<string, { key: string; status: TransportStatus }>()
  async function statusesOf(due: CommandRow[]): Promise<Map<string, TransportStatus>> {
    const keyOf = (c: CommandRow) => `${c.state}|${c.updatedAt.getTime()}`
    const stale = due.filter((c) => statusCache.get(c.id)?.key !== keyOf(c))
    const fresh = await transportStatuses(db, config, stale)
    for (const c of stale) {
      statusCache.delete(c.id)
      statusCache.set(c.id, { key: keyOf(c), status: fresh.get(c.id)! })
    }
    while (statusCache.size > STATUS_CACHE_SIZE) statusCache.delete(statusCache.keys().next().value!)
    return new Map(due.map((c) => [c.id, statusCache.get(c.id)!.status]))
  }

  /**
   * Before the first claim under a stable node id: releases the claims a previous run of this node left, so they are
   * claimed again at once (retried on the next poll if the release fails).
   */
  let resumed: Promise<void> | undefined = parameters.id === undefined ? Promise.resolve() : undefined
  function resumeOwnClaims(): Promise<void> {
    resumed ??= releaseClaims(db, id).then(
      (released) => {
        if (released > 0) log.info({ commands: released }, `Reclaimed ${released} commands claimed by the previous run`)
      },
      (error: unknown) => {
        resumed = undefined
        throw error
      },
    )
    return resumed
  }

  /**
   * Before the first claim after this node took the key's lease: waits until the key's transactions the previous
   * holder left in the nodes' pools are mined (so `earlierPublishes` and the endpoints' reads find them instead of a
   * step sending them again), counts nonces afresh from the chains, and releases the claims the previous holder still
   * holds, so its commands resume at once rather than after their 60 s claim.
   */
  async function takeOver(event: { takenFrom: string | undefined; at: number }): Promise<void> {
    const unsettled = await ctx.takeOver(TAKEOVER_SETTLE_MS)
    if (unsettled.length > 0) log.warn({ chain_ids: unsettled }, 'The previous holder\'s transactions are still pending; relaying all the same')
    const released = event.takenFrom ? await releaseClaims(db, event.takenFrom) : 0
    if (takingOver === event) takingOver = undefined
    log.info({ taken_from: event.takenFrom, released_claims: released, settle_ms: Math.round(performance.now() - event.at) }, 'Took over relaying for the key')
  }

  /**
   * Claims due commands, moves the stalled ones to the other transport, groups the rest by transport and batch key
   * and starts one step per group (at most `concurrency` groups run at once).
   * @returns how many were claimed, and a promise settled when every started step has.
   */
  async function dispatch(): Promise<{ claimed: number; done: Promise<void> }> {
    if (!active()) return { claimed: 0, done: Promise.resolve() }
    if (takingOver) await takeOver(takingOver)
    await resumeOwnClaims()
    const due = await claimDueCommands(db, id, parameters.batchSize ?? 512, LEASE_MS)
    if (due.length === 0) return { claimed: 0, done: Promise.resolve() }
    const statuses = await statusesOf(due)
    const planned = await planBothTransports(due, statuses)
    const now = Date.now()
    const moving: CommandRow[] = []
    const checked = new Map<string, Promise<boolean>>()
    await Promise.all(
      due.map(async (command) => {
        if (planned.has(command.id)) return
        const status = statuses.get(command.id)!
        try {
          const stalled =
            status.lastProgressAt !== undefined && now - status.lastProgressAt >= fallbackAfterMs && (await routeStalled(status.current, command.destChainId, now, checked))
          if (stalled && (await tryFallBack(command, status, `not executed after ${fallbackAfterMs} ms, nor anything else on its route`))) return
          moving.push(command)
        } catch (error) {
          await failed(command, status, error).catch(() => {})
        }
      }),
    )
    const groups = groupBy(moving, (c) => {
      const transport = transports[statuses.get(c.id)!.current]
      return `${transport.name}|${transport.batchKey(c)}`
    })
    const order = (c: CommandRow) => c.createdAt.getTime()
    const runs = [...groups.values()].map((list) => {
      list.sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id))
      const transport = transports[statuses.get(list[0]!.id)!.current]
      return work(() => runBatch(transport, list, statuses))
    })
    return { claimed: due.length, done: Promise.all(runs).then(() => {}) }
  }

  async function tick(): Promise<number> {
    const { claimed, done } = await dispatch()
    await done
    return claimed
  }

  /** The poll loop's round: starts steps without waiting for them, so later commands go out while earlier ones wait for blocks. */
  const inFlight = new Set<Promise<void>>()
  async function pump(): Promise<boolean> {
    if (work.activeCount + work.pendingCount >= concurrency) return false
    const { claimed, done } = await dispatch()
    const tracked = done.finally(() => inFlight.delete(tracked))
    inFlight.add(tracked)
    return claimed > 0
  }

  const loop = createPollLoop({
    watchdog: parameters.watchdog,
    name: 'relayer',
    intervalMs: parameters.pollIntervalMs ?? 100,
    run: pump,
    onError: (error, failures, retryInMs) =>
      log.warn({ err: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to poll the outbox'),
  })

  return {
    tick,
    start() {
      lease?.start()
      loop.start()
    },
    async stop() {
      await loop.stop()
      await Promise.all(inFlight)
      await lease?.stop()
      ctx.close()
    },
    active,
  }
}
