import { commands, liquidations, testDatabases, withdrawals } from '@unimargin/db'
import { userDeposit } from '@unimargin/devnet'
import * as fc from 'fast-check'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type Pipeline, startPipeline } from './harness.js'
import { steps } from './model/steps.js'
import { DevnetWorld } from './model/world.js'

/**
 * The model-based test of the hub (`services/aggregator/src/aggregator/hub.model.test.ts`) on the real devnet: random
 * sequences of deposits (WETH or USDC on any chain), venue reports (valid within 5% of the mark, closes, and
 * out-of-band, zero-entry or oversized ones the API must refuse with a 4xx), withdrawal requests within or beyond
 * free collateral, ETH price moves (the same price re-posted included) and node restarts, run against one pipeline
 * (anvil chains, Wormhole and LayerZero, watchers, aggregator, relayer and API on PGlite). Each sequence acts for
 * fresh traders, then settles: once the outbox and the chain events are drained, `DevnetWorld.checkSettled` holds
 * the hub against the chains (locks, pending requests, balances, commands executed once, the insurance fund).
 *
 * Sequences per run: `UNIMARGIN_MODEL_DEVNET_RUNS` (default 6), each of up to `UNIMARGIN_MODEL_DEVNET_STEPS` steps
 * (default 12). A failure prints fast-check's seed and path and the shrunk sequence;
 * `UNIMARGIN_MODEL_DEVNET_SEED=<seed> UNIMARGIN_MODEL_DEVNET_PATH=<path>` replays it.
 */
const runs = Number(process.env.UNIMARGIN_MODEL_DEVNET_RUNS ?? 6)
const maxSteps = Number(process.env.UNIMARGIN_MODEL_DEVNET_STEPS ?? 12)
const seed = process.env.UNIMARGIN_MODEL_DEVNET_SEED ? Number(process.env.UNIMARGIN_MODEL_DEVNET_SEED) : undefined
const path = process.env.UNIMARGIN_MODEL_DEVNET_PATH
/** shrinking replays sequences on the devnet: stop it (and report the smallest failure so far) after this long */
const SHRINK_BUDGET_MS = 600_000

const [database] = testDatabases()

describe(`the hub against its vaults on the devnet, on ${database!.kind}`, () => {
  let p: Pipeline

  beforeAll(async () => {
    p = await startPipeline({ database: await database!.open(), basePort: 23245 })
    // liquidity on every chain, so a vault can pay withdrawals covered by collateral elsewhere
    const lp = p.devnet.keys.users[0]! as Hex
    await Promise.all(
      p.devnet.chains.map(async (c) => {
        await userDeposit(p.devnet, { chainId: c.chainId, key: lp, symbol: 'USDC', amount: 1_000_000n * 10n ** 6n })
        await userDeposit(p.devnet, { chainId: c.chainId, key: lp, symbol: 'ETH', amount: 500n * 10n ** 18n })
      }),
    )
  }, 120_000)
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })

  const seen = { sequences: 0, steps: 0, liquidations: 0, paid: 0, refused: 0, commands: 0 }
  afterAll(() => {
    console.log(`model-based test of the hub on the devnet: ${JSON.stringify(seen)}`)
  })

  it('keeps locks, escrows, balances and the insurance fund equal to the chains after every sequence', { timeout: SHRINK_BUDGET_MS + 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(steps, { maxCommands: maxSteps, size: 'max' }), async (sequence) => {
        const world = new DevnetWorld(p)
        await world.start()
        await fc.asyncModelRun(() => ({ model: world, real: world }), sequence)
        await world.settle()
        seen.sequences++
        seen.steps += [...sequence].length
        seen.liquidations = (await p.database.db.select().from(liquidations)).length
        const ws = await p.database.db.select().from(withdrawals)
        seen.paid = ws.filter((w) => w.state === 'executed').length
        seen.refused = ws.filter((w) => w.state === 'rejected').length
        seen.commands = (await p.database.db.select().from(commands)).length
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}), ...(path ? { path } : {}), verbose: 1, interruptAfterTimeLimit: SHRINK_BUDGET_MS },
    )
  })
})
