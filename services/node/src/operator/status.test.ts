import { describe, expect, it } from 'vitest'
import { formatReadiness } from './status.js'

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
