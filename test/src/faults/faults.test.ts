import { appendFileSync } from 'node:fs'
import { testDatabases } from '@unimargin/db'
import { describe, expect, it } from 'vitest'
import { runFaultScenario } from './scenario.js'

/**
 * Seeds to run: `SEED=<n>` one seed, `SEEDS=<count>` that many random seeds, otherwise a few fixed ones (the normal
 * test run). Each seed picks its database among those available (PGlite, and PostgreSQL with `DATABASE_URL`).
 */
function seeds(env: NodeJS.ProcessEnv = process.env): number[] {
  if (env.SEED) return [Number.parseInt(env.SEED, 10)]
  if (env.SEEDS) return Array.from({ length: Number.parseInt(env.SEEDS, 10) }, () => Math.floor(Math.random() * 2 ** 31))
  return [1, 2]
}

const databases = testDatabases()
/** with `FAULTS_LOG=<file>`, each seed's outcome is appended to it as soon as the seed ends (long runs) */
const record = (line: string) => process.env.FAULTS_LOG && appendFileSync(process.env.FAULTS_LOG, `${line}\n`)
/** anvils at this port and the next two, proxies from 10 above: `FAULTS_BASE_PORT` runs a second batch beside one */
const basePort = Number.parseInt(process.env.FAULTS_BASE_PORT ?? '45600', 10)

describe('the hub under seeded RPC, reorg and database faults', () => {
  it.each(seeds())('loses, doubles and forges nothing on seed %i', { timeout: 900_000 }, async (seed) => {
    const { kind, open } = databases[seed % databases.length]!
    const database = await open()
    try {
      const report = await runFaultScenario({ seed, database, basePort })
      console.info(`SEED=${seed} ${kind}: ${JSON.stringify(report)}`)
      record(`ok SEED=${seed} ${kind} ${JSON.stringify(report)}`)
      expect(report.operations).toBeGreaterThan(0)
    } catch (error) {
      record(`FAILED SEED=${seed} ${kind} ${(error as Error).message}`)
      throw new Error(`${(error as Error).message}\nreproduce: SEED=${seed} pnpm test:faults`, { cause: error })
    } finally {
      await database.close()
    }
  })
})
