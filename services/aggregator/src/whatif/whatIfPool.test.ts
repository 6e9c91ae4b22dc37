import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { holdingWhatIfWorker, openWhatIfGate } from '../_test/whatIfGate.js'
import { createAggregator } from '../aggregator/index.js'
import { A, addr, B, createEmitter, E6, E18, seedPrices, silentLogger, testConfig, tokens } from '../test-utils.js'
import { computeWhatIf, readWhatIfInput, UnknownInstrumentError, WhatIfQueueFullError, WhatIfTimeoutError } from './index.js'
import { createWhatIfPool, type WhatIfPool } from './whatIfPool.js'

const alice = addr(0xa11ce)
const now = new Date(1_700_000_100_000)
const change = { positions: [{ market: 'ETH-PERP', size: -2n * E18 }], collateral: [{ chainId: A, asset: tokens.wethA, amount: E18 }] }

describe.each(testDatabases())('what-if pool on $kind', ({ open }) => {
  let database: Database
  let pool: WhatIfPool | undefined
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await pool?.close()
    pool = undefined
    await database.close()
  })
  const seededInput = async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await createAggregator({ db: database.db, config, logger: silentLogger, now: () => now }).processPending()
    return { config, input: await readWhatIfInput(database.db, config, alice, now) }
  }

  it('computes in a worker thread the same what-if as on the calling thread', async () => {
    const { config, input } = await seededInput()
    pool = createWhatIfPool({ config })
    expect(await pool.run(input, change)).toEqual(computeWhatIf(config, input, change))
  })

  it('rejects an unknown market with UnknownInstrumentError across the thread boundary', async () => {
    const { config, input } = await seededInput()
    pool = createWhatIfPool({ config })
    await expect(pool.run(input, { positions: [{ market: 'DOGE-PERP', size: 1n }] })).rejects.toThrow(UnknownInstrumentError)
  })

  it('rejects with WhatIfTimeoutError when a what-if outlives its timeout, and terminates its thread so the next one runs', async () => {
    const { config, input } = await seededInput()
    const gate = openWhatIfGate()
    try {
      pool = createWhatIfPool({ config, worker: holdingWhatIfWorker, minThreads: 1, maxThreads: 1, timeoutMs: 1_000 })
      await gate.ready()
      // never released: only terminating the thread ends it
      await expect(pool.run(input, change)).rejects.toThrow(WhatIfTimeoutError)
      await gate.ready(2)
      // behind a thread still held, this one would wait out its own timeout too
      const next = pool.run(input, change)
      await gate.holding(2)
      gate.release()
      expect(await next).toEqual(computeWhatIf(config, input, change))
    } finally {
      gate.close()
    }
  })

  it('refuses a what-if with WhatIfQueueFullError once every thread is busy and maxQueue wait', async () => {
    const { config, input } = await seededInput()
    const gate = openWhatIfGate()
    try {
      pool = createWhatIfPool({ config, worker: holdingWhatIfWorker, maxThreads: 1, maxQueue: 1 })
      const running = pool.run(input, change)
      await gate.holding()
      const queued = pool.run(input, change)
      await expect(pool.run(input, change)).rejects.toThrow(WhatIfQueueFullError)
      gate.release()
      await running
      await gate.holding(2)
      gate.release()
      await queued
    } finally {
      gate.close()
    }
  })
})

describe('what-if worker under tsx', () => {
  it('loads and computes under tsx, as the node runs in production (`tsx services/node/src/bin.ts`)', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli')
    const script = fileURLToPath(new URL('../_test/whatIfUnderTsx.ts', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, script], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual({ after: { imUsd8: '20000000000' }, unknownMarket: 'UnknownInstrumentError' })
  })
})
