import { describe, expect, it } from 'vitest'
import { formatLeases, formatReadiness, formatStatus } from './status.js'

describe('formatReadiness', () => {
  it('prints Ready. for a ready node', () => {
    expect(formatReadiness({ ready: true, chainsWithoutCheckpoint: [], lateUnprocessedEvents: 0, haltedChains: [], staleChains: [] })).toEqual(['Ready.'])
  })

  it('names each halted and stale chain instead of saying ready', () => {
    const lines = formatReadiness({
      ready: false,
      chainsWithoutCheckpoint: [3],
      lateUnprocessedEvents: 2,
      haltedChains: [{ chainId: 1, name: 'alpha', reason: 'Chain 1 reorganised below its finality depth', blockNumber: '120', haltedAt: '2030-01-01T00:00:00.000Z' }],
      staleChains: [{ chainId: 2, name: 'beta', headBlock: '77', headSeenAt: '2030-01-01T00:00:00.000Z', headAgeSeconds: 95, maxHeadAgeSeconds: 60 }],
    })
    expect(lines).toEqual([
      'Not ready:',
      '  no watcher checkpoint yet on chain 3',
      '  halted: alpha (chain 1) at block 120 since 2030-01-01T00:00:00.000Z: Chain 1 reorganised below its finality depth',
      '  stale: beta (chain 2) head 77 last advanced 95 s ago (allowed 60 s)',
      '  2 chain events wait for the aggregator',
    ])
  })
})

describe('formatStatus', () => {
  it('tabulates each chain, the outbox by state and each route, numbers grouped and halts spelled out', () => {
    const text = formatStatus(
      {
        chains: [
          { name: 'alpha', chainId: 1, finality: 'finalized', confirmations: 2, headBlock: '1234567', checkpointBlock: '1234500', lagBlocks: '67', headAgeSeconds: 3, halted: null, unprocessedEvents: 0 },
          { name: 'beta', chainId: 2, finality: 'confirmations', confirmations: 12, headBlock: null, checkpointBlock: '900', lagBlocks: null, headAgeSeconds: null, halted: { reason: 'reorg below finality', since: '2030-01-01T00:00:00.000Z' }, unprocessedEvents: 4 },
        ],
        outbox: { pending: 2, executed: 1500, dead: 0 },
      },
      [{ name: 'beta', chainId: 2, transport: 'layerzero', p50Ms: 4200, p99Ms: 9000, samples: 3, source: 'seeded', inFlight: 1, failing: 0, dead: 0 }],
    ).join('\n')
    expect(text).toContain('1,234,567')
    expect(text).toMatch(/alpha\s+│\s+1\s+│\s+finalized\s+│\s+1,234,567\s+│\s+1,234,500\s+│\s+67\s+│\s+3 s\s+│\s+0\s+│\s+no/)
    expect(text).toMatch(/beta\s+│\s+2\s+│\s+12 conf\.\s+│\s+-\s+│\s+900\s+│\s+-\s+│\s+-\s+│\s+4\s+│\s+reorg below finality \(since 2030-01-01T00:00:00.000Z\)/)
    expect(text).toContain('Outbox: pending 2, executed 1,500, dead 0')
    expect(text).toMatch(/beta\s+│\s+layerzero\s+│\s+4\.2 s\s+│\s+9\.0 s \(seeded\)\s+│\s+3\s+│\s+1\s+│\s+0\s+│\s+0/)
    expect(text).not.toContain('\u001b[')
  })
})

describe('formatLeases', () => {
  const ready = { ready: true, chainsWithoutCheckpoint: [], lateUnprocessedEvents: 0, haltedChains: [], staleChains: [] }
  it('names the node ingesting each chain and the one sending from the relayer key, marking an expired lease', () => {
    const at = '2030-01-01T00:00:00.000Z'
    expect(
      formatLeases({
        ...ready,
        leases: [
          { name: 'relayer:0xabc', holder: 'hub-eu-1', acquiredAt: at, expiresAt: at, expired: false },
          { name: 'watcher:1', chainId: 1, holder: 'hub-eu-2', acquiredAt: at, expiresAt: at, expired: false },
          { name: 'watcher:2', chainId: 2, holder: 'hub-us-1', acquiredAt: at, expiresAt: at, expired: true },
        ],
      }),
    ).toEqual(['Leases:', '  relayer key 0xabc: hub-eu-1', '  watcher of chain 1: hub-eu-2', '  watcher of chain 2: hub-us-1 (expired: another node takes it over)'])
  })

  it('prints nothing for a node without leases or from before them', () => {
    expect(formatLeases({ ...ready, leases: [] })).toEqual([])
    expect(formatLeases(ready)).toEqual([])
  })
})
