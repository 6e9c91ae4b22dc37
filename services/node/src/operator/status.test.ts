import { describe, expect, it } from 'vitest'
import { formatLeases, formatReadiness } from './status.js'

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
