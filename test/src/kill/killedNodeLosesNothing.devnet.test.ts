import { describe, expect, it } from 'vitest'
import { runKillScenario } from './killRun.js'

/**
 * The kill test (see killRun.ts): a seeded scenario over both transports while the node process is SIGKILLed at
 * random and aimed moments (and now and then stopped with SIGTERM) and started again on the same database, then
 * held to the final checks (checks.ts). `KILLS` (default 20; CI: 14) rounds on PGlite, and on PostgreSQL when
 * `DATABASE_URL` is set `KILLS_POSTGRES` (default `KILLS`; CI: 6, so CI runs 20 kills in all); `SEED` picks the plan (default: a new
 * one each run, printed; in CI one fixed seed, so a submission's checks do not depend on the draw). A failure prints
 * the line that replays its plan: `SEED=<seed> KILLS=<n> pnpm test:kill`.
 */
const KILLS = Number(process.env.KILLS ?? (process.env.CI ? 14 : 20))
const KILLS_POSTGRES = Number(process.env.KILLS_POSTGRES ?? (process.env.CI ? 6 : KILLS))
const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : process.env.CI ? 20_261_207 : Math.floor(Math.random() * 2 ** 31)
/** a run may take: up to 30 s per kill on a heavily loaded machine, plus the devnet and the drain */
const timeoutMs = (kills: number) => (10 + kills * 0.5) * 60_000

const databases = [
  // each node's API below the ephemeral port range (see KillRunOptions.apiPort)
  { kind: 'pglite', postgresUrl: undefined, basePort: 45_300, apiPort: 29_306, kills: KILLS },
  ...(process.env.DATABASE_URL ? [{ kind: 'postgres', postgresUrl: process.env.DATABASE_URL, basePort: 45_320, apiPort: 29_326, kills: KILLS_POSTGRES }] : []),
]

describe.each(databases)('a node killed over and over, on $kind', ({ kind, postgresUrl, basePort, apiPort, kills }) => {
  it(`loses and doubles nothing: vaults equal the ledger and a rebuild, each command executes once, no payout without its approval, every command and request ends, no event is lost (${kills} kills)`, { timeout: timeoutMs(kills) }, async () => {
    const reproduce = `SEED=${SEED} KILLS=${kills} pnpm test:kill`
    console.log(`kill test on ${kind}: ${reproduce}`)
    let result: Awaited<ReturnType<typeof runKillScenario>>
    try {
      result = await runKillScenario({ seed: SEED, kills, postgresUrl, basePort, apiPort, progress: (line) => console.log(`[${kind}] ${line}`) })
    } catch (error) {
      throw new Error(`${(error as Error).message}\nReproduce with: ${reproduce}`, { cause: error })
    }
    console.log(`kill test on ${kind}, seed ${SEED}: ${JSON.stringify(result.summary)}`)
    const report = result.failures.map((f) => `✗ ${f.name}\n${f.problems.map((p) => `    ${p}`).join('\n')}`).join('\n')
    expect(result.failures, `${report}\nnode log: ${result.logFile}\nReproduce with: ${reproduce}`).toEqual([])
    expect(result.kills).toHaveLength(kills)
  })
})
