import { describe, expect, it } from 'vitest'
import { runKillScenario } from './killRun.js'

/**
 * The kill test (see killRun.ts): a seeded scenario over both transports while the node process is SIGKILLed at
 * random and aimed moments (and now and then stopped with SIGTERM) and started again on the same database, then
 * held to the final checks (checks.ts). `KILLS` (default 20) rounds on PGlite, and as many on PostgreSQL when
 * `DATABASE_URL` is set; `SEED` picks the plan (default: a new one each run, printed). A failure prints the line that
 * replays its plan: `SEED=<seed> KILLS=<n> pnpm test:kill`.
 */
const KILLS = Number(process.env.KILLS ?? 20)
const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31)
/** a run may take: up to 30 s per kill on a heavily loaded machine, plus the devnet and the drain */
const TIMEOUT_MS = (10 + KILLS * 0.5) * 60_000

const databases = [
  { kind: 'pglite', postgresUrl: undefined, basePort: 45_300 },
  ...(process.env.DATABASE_URL ? [{ kind: 'postgres', postgresUrl: process.env.DATABASE_URL, basePort: 45_320 }] : []),
]

describe.each(databases)('a node killed over and over, on $kind', ({ kind, postgresUrl, basePort }) => {
  it(`loses and doubles nothing: vaults equal the ledger, each command executes once, no payout without its approval, every command and request ends, no event is lost (${KILLS} kills)`, { timeout: TIMEOUT_MS }, async () => {
    const reproduce = `SEED=${SEED} KILLS=${KILLS} pnpm test:kill`
    console.log(`kill test on ${kind}: ${reproduce}`)
    let result: Awaited<ReturnType<typeof runKillScenario>>
    try {
      result = await runKillScenario({ seed: SEED, kills: KILLS, postgresUrl, basePort, progress: (line) => console.log(`[${kind}] ${line}`) })
    } catch (error) {
      throw new Error(`${(error as Error).message}\nReproduce with: ${reproduce}`, { cause: error })
    }
    console.log(`kill test on ${kind}, seed ${SEED}: ${JSON.stringify(result.summary)}`)
    const report = result.failures.map((f) => `✗ ${f.name}\n${f.problems.map((p) => `    ${p}`).join('\n')}`).join('\n')
    expect(result.failures, `${report}\nnode log: ${result.logFile}\nReproduce with: ${reproduce}`).toEqual([])
    expect(result.kills).toHaveLength(KILLS)
  })
})
