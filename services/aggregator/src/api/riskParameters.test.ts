import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { addr, B, C, createEmitter, E6, publishHourlyEthPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import type { AccountParameterSetView } from '../riskParameters/index.js'
import { createApi } from './createApi.js'

const alice = addr(0xa11ce)
const HOUR = 3600

type ParametersBody = {
  current: { version: number; effectiveAt: number; sigmaHorizon: Record<string, number>; maxCredit: number; movedBy: { bounds: { parameter: string; bound: string }[] } } | null
  realizedSigmaHorizon: Record<string, number>
  history: { version: number; effectiveAt: number; sigmaHorizon: Record<string, number>; movedBy: { bounds: { parameter: string; bound: string }[] } }[]
  policy: { graceSeconds: number }
}

describe.each(testDatabases())('risk parameters api on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })


  it('answers null before any price, then the current set with its history, newest first', async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    const app = createApi({ db: database.db, config, now: () => new Date(Number(emitter.ts) * 1000) })
    const empty = (await (await app.request('/v1/risk/parameters')).json()) as ParametersBody
    expect(empty.current).toBeNull()
    expect(empty.history).toEqual([])

    await publishHourlyEthPrices(emitter, 24, 6)
    const res = await app.request('/v1/risk/parameters')
    expect(res.status).toBe(200)
    const body = (await res.json()) as ParametersBody
    expect(body.current!.version).toBe(body.history.length)
    expect(body.history.map((s) => s.version)).toEqual([...Array(body.history.length).keys()].map((k) => body.history.length - k))
    expect(body.current!.sigmaHorizon.ETH!).toBeGreaterThan(0)
    // the sell-off raised σ by bounded steps, and the sets say so
    const steps = body.history.filter((s) => s.movedBy.bounds.some((b) => b.parameter === 'sigmaHorizon.ETH' && b.bound === 'stepUp'))
    expect(steps.length).toBeGreaterThan(0)
    expect(body.current!.sigmaHorizon.ETH!).toBeGreaterThan(body.history[body.history.length - 1]!.sigmaHorizon.ETH!)
    expect(body.policy.graceSeconds).toBe(14_400)
  })

  it('shows in the account view the set an account is margined under: the older one in the grace window', async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    let clock = new Date(0)
    const app = createApi({ db: database.db, config, now: () => clock })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => clock })
    // alice deposits in the calm; the sell-off after it recalibrates the hub
    await publishHourlyEthPrices(emitter, 24, 3, async (h) => {
      if (h === 12) await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    })
    clock = new Date(Number(emitter.ts) * 1000)
    await aggregator.processPending()
    const body = (await (await app.request(`/v1/accounts/${alice}`)).json()) as { equityUsd8: string; parameterSet: AccountParameterSetView }
    expect(body.equityUsd8).toBe(String(usd(1000)))
    const set = body.parameterSet
    expect(set.reason).toBe('grace')
    expect(set.version).toBeLessThan(set.latestVersion)
    expect(set.graceEndsAt!).toBeGreaterThan(Number(emitter.ts))
    expect(set.effectiveAt).toBeLessThanOrEqual(Number(emitter.ts) - 3 * HOUR)

    // after the window the latest set applies
    clock = new Date((set.graceEndsAt! + 1) * 1000)
    const later = (await (await app.request(`/v1/accounts/${alice}`)).json()) as { parameterSet: AccountParameterSetView }
    expect(later.parameterSet.version).toBe(later.parameterSet.latestVersion)
    expect(later.parameterSet.reason).toBe('grace-expired')
  })

  it('puts an account that changed after the last recalibration on the latest set', async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    const app = createApi({ db: database.db, config, now: () => new Date(Number(emitter.ts) * 1000) })
    await publishHourlyEthPrices(emitter, 24, 3)
    await emitter.deposit(C, alice, tokens.usdcC, 5n * E6)
    const body = (await (await app.request(`/v1/accounts/${alice}`)).json()) as { parameterSet: AccountParameterSetView }
    expect(body.parameterSet).toMatchObject({ reason: 'current', graceEndsAt: null })
    expect(body.parameterSet.version).toBe(body.parameterSet.latestVersion)
  })
})
