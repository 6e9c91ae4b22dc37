import { type Config, ConfigError, joinRegisteredVault, registeredVaultOf } from '@unimargin/chains'
import {
  aggregatorTransition,
  and,
  asc,
  chainEvents,
  commands,
  commandTransitions,
  copyDecidedCommand,
  type Db,
  type DbOrTx,
  eq,
  escapeCheckpoints,
  escapeLeaves,
  inArray,
  isNotNull,
  isNull,
  positionReports,
  registeredVaults,
  replayRecordedTransition,
  sql,
} from '@unimargin/db'
import type { Logger } from 'pino'
import { getAddress, type Hex } from 'viem'
import { PositionReportError } from '../common/errors.js'
import { processEvent } from '../events/index.js'
import { applyPositionReport } from '../positions/index.js'

/** Command kinds the aggregator does not decide from a recorded input: timer- or operator-issued, replayed as facts. */
export const FACT_COMMAND_KINDS = ['Checkpoint', 'SetLimits'] as const

export type ReplayInputsParameters = {
  /** the live database, read only; pass a transaction to read one consistent snapshot */
  source: DbOrTx
  /** an empty, migrated database the derived state is rebuilt into */
  target: Db
  config: Config
  logger: Logger
  /**
   * Commands the relayer or an operator has acted on (any recorded transition besides the aggregator's own) are facts
   * on other chains: when true (the default), such a command is copied from `source` when its first such transition
   * is replayed and no input has decided it by then, so it is neither lost nor decided anew, and is listed in
   * {@link ReplayReport.carried}. After `chains resume` these are the decisions taken on orphaned inputs. When false
   * it is left out, and a comparison reports it as missing.
   */
  carrySentCommands?: boolean
}

/** A recorded input the replay could not apply as it was applied live. */
export type ReplayDivergence = { input: 'position_report'; id: string; detail: string }

export type ReplayReport = {
  /** chain events replayed (those processed live) */
  events: number
  /** accepted position reports replayed */
  reports: number
  /** relayer and operator command transitions replayed */
  transitions: number
  /** Checkpoint and SetLimits commands and escape checkpoints copied */
  facts: number
  /** ids of sent commands no replayed input decided, copied from the source (see `carrySentCommands`) */
  carried: string[]
  divergences: ReplayDivergence[]
}

type Step =
  | { at: number; order: 0; kind: 'fact'; run: (tx: DbOrTx) => Promise<void> }
  | { at: number; order: 2; kind: 'event'; row: typeof chainEvents.$inferSelect }
  | { at: number; order: 2; kind: 'report'; row: typeof positionReports.$inferSelect }


/**
 * Rebuilds the hub's derived state (accounts, balances, withdrawals, positions, prices, liquidations, insurance fund,
 * valuation blocks, limits sequences, the outbox and its transitions) in `target` from the inputs recorded in
 * `source`, by running the aggregator's own code on them, one transaction per input, in the order of their recorded
 * times (ms; ties: facts first, then events and reports by id):
 * - chain events processed live, at their `processed_at`, each with {@link processEvent} (same id, block timestamp as
 *   `referenceTs`, the clock pinned to `processed_at`);
 * - accepted venue position reports (`position_reports`), at `applied_at`, with `applyPositionReport` at the recorded
 *   `reference_ts`; a report the replay refuses is returned as a divergence;
 * - the relayer's and operators' command transitions, in id order, each before the first event or report that could
 *   see it (its `transitions_seen`; by time for inputs recorded without it), setting the command's state (and its
 *   outcome on execution) as they did live: route latencies, and so withdrawal buffers and liquidation triggers, are
 *   computed from the same samples, and escrows see the same command states, whatever the writers' clocks;
 * - facts no recorded input decides: Checkpoint and SetLimits commands and the escape checkpoints with their leaves,
 *   copied at their `created_at` (a published checkpoint is a fact on its vault; its tree is not recomputed).
 * Vaults recorded in `registered_vaults` join `config` first (in place, as the node's registry supervisor joins them).
 * @returns what was replayed and any divergence.
 * @throws the database error of an input's transaction (the target is then partly built; discard it).
 */
export async function replayInputs(parameters: ReplayInputsParameters): Promise<ReplayReport> {
  const { source, target, config, logger, carrySentCommands = true } = parameters
  // the vaults the VaultRegistry added while the node ran join the config as they did live (before any of their
  // events, which were ingested only once they had joined)
  for (const row of await source.select().from(registeredVaults)) {
    try {
      joinRegisteredVault(config, registeredVaultOf(row))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
    }
  }
  const events = await source.select().from(chainEvents).where(isNotNull(chainEvents.processedAt)).orderBy(asc(chainEvents.processedAt), asc(chainEvents.id))
  const reports = await source.select().from(positionReports).orderBy(asc(positionReports.appliedAt), asc(positionReports.id))
  const transitions = await source
    .select()
    .from(commandTransitions)
    .where(sql`not (${aggregatorTransition})`)
    .orderBy(asc(commandTransitions.id))
  const facts = await source.select().from(commands).where(inArray(commands.kind, [...FACT_COMMAND_KINDS]))
  const checkpoints = await source.select().from(escapeCheckpoints)
  const leaves = await source.select().from(escapeLeaves)

  const steps: Step[] = []
  for (const c of facts) steps.push({ at: c.createdAt.getTime(), order: 0, kind: 'fact', run: (tx) => copyCommand(source, tx, c.id) })
  for (const cp of checkpoints) {
    const own = leaves.filter((l) => l.chainId === cp.chainId && l.vault === cp.vault && l.epoch === cp.epoch)
    steps.push({
      at: cp.createdAt.getTime(),
      order: 0,
      kind: 'fact',
      run: async (tx) => {
        await tx.insert(escapeCheckpoints).values(cp)
        for (let i = 0; i < own.length; i += 1000) await tx.insert(escapeLeaves).values(own.slice(i, i + 1000))
      },
    })
  }
  for (const e of events) steps.push({ at: e.processedAt!.getTime(), order: 2, kind: 'event', row: e })
  for (const r of reports) steps.push({ at: r.appliedAt.getTime(), order: 2, kind: 'report', row: r })
  // each list is already in its own order; a stable sort by time keeps it within equal times
  steps.sort((a, b) => a.at - b.at || a.order - b.order)
  const report: ReplayReport = { events: 0, reports: 0, transitions: 0, facts: facts.length + checkpoints.length, carried: [], divergences: [] }
  let nextTransition = 0
  /** the relayer's transitions up to id `seen` (or, for an input recorded without it, up to time `at`), in id order */
  const replayTransitionsBefore = async (seen: bigint | null, at: number) => {
    while (nextTransition < transitions.length) {
      const t = transitions[nextTransition]!
      if (seen === null ? t.at.getTime() > at : t.id > seen) return
      if (await replayTransition(t)) report.transitions++
      nextTransition++
    }
  }
  const replayTransition = (t: (typeof transitions)[number]) =>
    target.transaction(async (tx) => {
      const [command] = await tx.select({ id: commands.id }).from(commands).where(eq(commands.id, t.commandId))
      if (!command && carrySentCommands) {
        await copyCommand(source, tx, t.commandId)
        report.carried.push(t.commandId)
      }
      return replayRecordedTransition(tx, t)
    })

  for (const step of steps) {
    const at = new Date(step.at)
    const now = () => at
    if (step.kind === 'fact') {
      await target.transaction((tx) => step.run(tx))
    } else if (step.kind === 'event') {
      const row = step.row
      await replayTransitionsBefore(row.transitionsSeen, step.at)
      await target.transaction(async (tx) => {
        await tx.insert(chainEvents).values({ ...row, processedAt: null, transitionsSeen: null })
        await processEvent({ tx, config, logger, now: () => row.processedAt! }, { ...row, processedAt: null })
      })
      report.events++
    } else {
      const r = step.row
      await replayTransitionsBefore(r.transitionsSeen, step.at)
      try {
        await target.transaction((tx) =>
          applyPositionReport(
            { tx, config, logger, now, referenceTs: r.referenceTs },
            { account: getAddress(r.account), market: r.market, size: r.size, entryPrice: r.entryPrice, sequence: r.sequence },
            r.signature ?? undefined,
          ),
        )
      } catch (error) {
        if (!(error instanceof PositionReportError)) throw error
        report.divergences.push({ input: 'position_report', id: r.id.toString(), detail: `refused on replay (${error.code}): ${error.message}` })
      }
      report.reports++
    }
  }
  await replayTransitionsBefore(null, Number.POSITIVE_INFINITY)
  logger.info({ ...report, carried: report.carried.length, divergences: report.divergences.length }, 'Replayed recorded inputs')
  return report
}

/**
 * Copies command `id` from `source` into `tx` as the aggregator wrote it (state `pending`, no relayer columns) with its
 * `null → pending` transition; the relayer's transitions are replayed separately. Nothing when it is already there.
 */
async function copyCommand(source: DbOrTx, tx: DbOrTx, id: string): Promise<void> {
  const [c] = await source.select().from(commands).where(eq(commands.id, id as Hex))
  if (!c) return
  const created = await source
    .select()
    .from(commandTransitions)
    .where(and(eq(commandTransitions.commandId, id as Hex), isNull(commandTransitions.fromState)))
  await copyDecidedCommand(tx, c, created)
}

/** Commands the relayer or an operator has acted on in `db` (any transition besides the aggregator's own). */
export async function sentCommandIds(db: DbOrTx): Promise<Set<string>> {
  const rows = await db.selectDistinct({ id: commandTransitions.commandId }).from(commandTransitions).where(sql`not (${aggregatorTransition})`)
  return new Set(rows.map((r) => r.id))
}
