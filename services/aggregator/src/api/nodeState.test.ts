import type { NodeStatusView, ReadyView } from '@unimargin/client'
import { chainCheckpoints, chainEvents, commands, type Database, testDatabases } from '@unimargin/db'
import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, C, testConfig } from '../test-utils.js'
import { createApi } from './createApi.js'
import { readNodeState } from './nodeState.js'

const NOW = new Date('2030-01-01T00:10:00Z')
const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000)
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe.each(testDatabases())('the node state read on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const event = (chainId: number, logIndex: number, observedAt: Date, processed = false) => ({
    chainId,
    blockNumber: 5n,
    blockHash: '0xaa' as const,
    blockTimestamp: 1n,
    txHash: '0xbb' as const,
    logIndex,
    address: addr(1),
    eventName: 'Deposited',
    args: {},
    observedAt,
    processedAt: processed ? observedAt : null,
  })
  const command = (id: `0x${string}`, state: 'pending' | 'dead', destChainId: number): typeof commands.$inferInsert => ({
    id,
    kind: 'Lock',
    account: addr(2),
    destChainId,
    vault: addr(3),
    payload: '0x00',
    expiry: 0n,
    state,
    cause: 'test',
  })

  it('counts unprocessed events per chain with the late ones, commands by state and chain, and every event when asked', async () => {
    await database.db.insert(chainCheckpoints).values([A, B, C].map((chainId) => ({ chainId, blockNumber: 100n, blockHash: '0x01' as const, headBlock: 101n, headSeenAt: secondsAgo(1) })))
    await database.db.insert(chainEvents).values([event(A, 0, secondsAgo(120)), event(A, 1, secondsAgo(5)), event(B, 0, secondsAgo(3)), event(B, 1, secondsAgo(300), true)])
    await database.db.insert(commands).values([command('0x01', 'dead', A), command('0x02', 'dead', A), command('0x03', 'pending', B)])
    const state = await readNodeState(database.db, { lateBefore: secondsAgo(30), countEvents: true })
    expect(state.checkpoints.map((c) => Number(c.chainId)).sort()).toEqual([A, B, C].sort())
    expect([...state.unprocessed].sort((x, y) => x.chainId - y.chainId)).toEqual([
      { chainId: A, count: 2, oldest: secondsAgo(120), late: 1 },
      { chainId: B, count: 1, oldest: secondsAgo(3), late: 0 },
    ])
    expect(state.commands).toEqual(expect.arrayContaining([{ state: 'dead', kind: 'Lock', destChainId: A, count: 2 }, { state: 'pending', kind: 'Lock', destChainId: B, count: 1 }]))
    expect([...(state.events ?? [])].sort((x, y) => x.chainId - y.chainId)).toEqual([{ chainId: A, count: 2 }, { chainId: B, count: 2 }])
    expect((await readNodeState(database.db)).events).toBeUndefined()
    expect((await readNodeState(database.db)).unprocessed.every((u) => u.late === 0)).toBe(true)
  })

  it('gives /ready, /v1/status and /metrics the same unprocessed events and outbox depth', async () => {
    await database.db.insert(chainCheckpoints).values([A, B, C].map((chainId) => ({ chainId, blockNumber: 100n, blockHash: '0x01' as const, headBlock: 101n, headSeenAt: secondsAgo(1) })))
    await database.db.insert(chainEvents).values([event(A, 0, secondsAgo(120)), event(A, 1, secondsAgo(5)), event(C, 0, secondsAgo(60))])
    await database.db.insert(commands).values([command('0x01', 'dead', A), command('0x03', 'pending', B)])
    const registry = new Registry()
    const api = createApi({ db: database.db, config: testConfig(), now: () => NOW, readyLagSeconds: 30, registry })
    const ready = (await (await api.request('/ready')).json()) as ReadyView
    const status = (await (await api.request('/v1/status')).json()) as NodeStatusView
    const metrics = await (await api.request('/metrics')).text()
    expect(ready.lateUnprocessedEvents).toBe(2)
    expect(status.chains.map((c) => c.unprocessedEvents)).toEqual([2, 0, 1])
    for (const chain of status.chains) expect(sample(metrics, `unimargin_events_unprocessed{chain="${chain.name}"}`)).toBe(chain.unprocessedEvents)
    expect(status.outbox).toMatchObject({ dead: 1, pending: 1, executed: 0 })
    expect(sample(metrics, `unimargin_commands{state="dead",kind="Lock",chain="${status.chains[0]!.name}",transport="wormhole"}`)).toBe(status.outbox.dead)
  })
})
