import { describe, expect, it } from 'vitest'
import { chainRates } from './rates.js'
import { formatDuration, progressFields, renderProgress } from './render.js'
import type { ProgressSnapshot } from './snapshot.js'

const outbox = { pending: 2, published: 1, attested: 0, delivered: 0, executed: 40, failed: 0, dead: 1, cancelled: 0 }
const snapshot = (at: number, checkpoints: [bigint | null, bigint | null], events: [number, number]): ProgressSnapshot => ({
  at,
  chains: [
    { name: 'ethereum', chainId: 1, startBlock: 1_001n, head: 3_012n, target: 3_000n, checkpoint: checkpoints[0], events: events[0], unprocessed: 3, halted: null },
    { name: 'arbitrum', chainId: 42161, startBlock: 0n, head: checkpoints[1] === null ? null : 500n, target: checkpoints[1] === null ? null : 500n, checkpoint: checkpoints[1], events: events[1], unprocessed: 0, halted: null },
  ],
  outbox,
  routes: [{ chain: 'ethereum', transport: 'wormhole', p50Ms: 1_200, p99Ms: 14_500, samples: 30, source: 'measured' }],
})

describe('the progress display', () => {
  it('computes % synced from the start block to head − confirmations, blocks and events per second, and the ETA at that rate', () => {
    const before = snapshot(0, [1_500n, null], [100, 0])
    const now = snapshot(10_000, [2_000n, null], [350, 0])
    const [eth, arb] = chainRates(now, before)
    // 1 000 of 2 000 blocks (1 001..3 000) written
    expect(eth).toEqual({ syncedPercent: 50, blocksPerSecond: 50, eventsPerSecond: 25, etaSeconds: 20 })
    expect(arb).toEqual({ syncedPercent: null, blocksPerSecond: 0, eventsPerSecond: 0, etaSeconds: null })
    expect(chainRates(now)[0]).toEqual({ syncedPercent: 50, blocksPerSecond: null, eventsPerSecond: null, etaSeconds: null })
    expect(chainRates(snapshot(1, [3_000n, 500n], [0, 0]))).toEqual([
      { syncedPercent: 100, blocksPerSecond: null, eventsPerSecond: null, etaSeconds: 0 },
      { syncedPercent: 100, blocksPerSecond: null, eventsPerSecond: null, etaSeconds: 0 },
    ])
  })

  it('renders a chain table, the outbox by state and the route latencies from a snapshot', () => {
    const now = snapshot(10_000, [2_000n, null], [350, 0])
    const lines = renderProgress(now, chainRates(now, snapshot(0, [1_500n, null], [100, 0])))
    expect(lines).toEqual([
      'chain     head  checkpoint  synced  blocks/s  events/s  ETA  unprocessed',
      'ethereum  3012        2000   50.0%      50.0      25.0  20s            3',
      'arbitrum     —           —       —       0.0       0.0    —            0',
      'outbox  pending 2  published 1  attested 0  delivered 0  executed 40  failed 0  dead 1  cancelled 0',
      'routes  ethereum wormhole p50 1.2s p99 14.5s',
    ])
  })

  it('names a halted chain instead of an ETA', () => {
    const halted = snapshot(0, [2_000n, null], [0, 0])
    halted.chains[0]!.halted = 'reorg below finality at block 1999'
    const lines = renderProgress(halted, chainRates(halted))
    expect(lines[1]).toContain('halted')
    expect(lines).toContain('  ethereum halted: reorg below finality at block 1999')
  })

  it('gives the same progress as log fields, blocks as decimal strings', () => {
    const now = snapshot(10_000, [2_000n, null], [350, 0])
    expect(progressFields(now, chainRates(now, snapshot(0, [1_500n, null], [100, 0])))).toEqual({
      chains: {
        ethereum: { head: '3012', checkpoint: '2000', synced_pct: 50, blocks_per_s: 50, events_per_s: 25, eta_s: 20, unprocessed: 3 },
        arbitrum: { head: null, checkpoint: null, synced_pct: null, blocks_per_s: 0, events_per_s: 0, eta_s: null, unprocessed: 0 },
      },
      outbox,
    })
  })

  it('writes durations as seconds, minutes or hours', () => {
    expect([formatDuration(42), formatDuration(185), formatDuration(7_620), formatDuration(null)]).toEqual(['42s', '3m05s', '2h07m', '—'])
  })
})
