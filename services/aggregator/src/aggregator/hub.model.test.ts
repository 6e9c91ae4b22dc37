import { commands, createDatabase, type Database, liquidations, withdrawals } from '@unimargin/db'
import * as fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { resetDatabase, steps, World } from '../_test/model/index.js'

/**
 * Random sequences of deposits (confirmed and not yet), venue reports (valid, out of band, replayed, signed for
 * another hub, early), withdrawals within and beyond free collateral, cancels, price moves (the same price
 * re-posted included), command deliveries delayed, reordered and replayed over the other transport, crashes of
 * the aggregator inside a transaction, hostile what-ifs (huge integers, bodies over the limit) and settles, run
 * against the real aggregator and API with the vaults played by the model (`src/_test/model`). The invariants are
 * those of `World.checkStep` and `World.checkSettled`.
 *
 * Sequences per run: `UNIMARGIN_MODEL_RUNS` (default 1000 under CI, 300 otherwise), each of up to
 * `UNIMARGIN_MODEL_STEPS` steps (default 40) and a final settle. A failure prints fast-check's seed and path and
 * the shrunk sequence; `UNIMARGIN_MODEL_SEED=<seed> UNIMARGIN_MODEL_PATH=<path>` replays it.
 */
const runs = Number(process.env.UNIMARGIN_MODEL_RUNS ?? (process.env.CI ? 1000 : 300))
const maxSteps = Number(process.env.UNIMARGIN_MODEL_STEPS ?? 40)
const seed = process.env.UNIMARGIN_MODEL_SEED ? Number(process.env.UNIMARGIN_MODEL_SEED) : undefined
const path = process.env.UNIMARGIN_MODEL_PATH

describe('the hub against a model of its vaults, on PGlite', () => {
  let database: Database
  beforeAll(async () => {
    database = await createDatabase()
  })
  afterAll(async () => {
    await database.close()
  })

  const seen = { sequences: 0, steps: 0, liquidations: 0, paid: 0, refused: 0, commands: 0, reports: 0, cancelledLocks: 0 }
  afterAll(() => {
    console.log(`model-based test of the hub: ${JSON.stringify(seen)}`)
  })

  it('never locks a healthy account, leaves no escrow unanswered, keeps epochs and balances equal to the vaults and spends the fund only on bounded reports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(steps, { maxCommands: maxSteps, size: 'max' }), async (sequence) => {
        await resetDatabase(database.db)
        const world = new World(database.db)
        await world.start()
        await fc.asyncModelRun(() => ({ model: world, real: world }), sequence)
        await world.settle()
        seen.sequences++
        seen.steps += [...sequence].length
        seen.liquidations += (await database.db.select().from(liquidations)).length
        const ws = await database.db.select().from(withdrawals)
        seen.paid += ws.filter((w) => w.state === 'executed').length
        seen.refused += ws.filter((w) => w.state === 'rejected').length
        const all = await database.db.select().from(commands)
        seen.commands += all.length
        // an Unlock with no liquidation of its epoch: a lock the hub cancelled after the co-signers refused it
        const settledEpochs = new Set((await database.db.select().from(liquidations)).map((l) => `${l.account}:${l.lockEpoch}`.toLowerCase()))
        seen.cancelledLocks += new Set(all.filter((c) => c.kind === 'Unlock' && !settledEpochs.has(c.cause.slice('liquidation:'.length).toLowerCase())).map((c) => c.cause)).size
        seen.reports += world.accepted.length
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}), ...(path ? { path } : {}), verbose: 1 },
    )
  }, 3_600_000)
})
