import type { EscapeClaim } from '@unimargin/aggregator'
import { describe, expect, it } from 'vitest'
import { escapeClaimJson, formatEscapeClaims } from './escape.js'

const claim: EscapeClaim = {
  chainId: 31338,
  vault: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  epoch: 3n,
  root: `0x${'ab'.repeat(32)}`,
  asset: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  entitlement: 700_000_000n,
  creditedAt: 1_000_000_000n,
  debitedAt: 0n,
  proof: [`0x${'01'.repeat(32)}`, `0x${'02'.repeat(32)}`],
}

describe('escape proof output', () => {
  it('prints the claimEscape call with amounts in base units and the proof in order', () => {
    const lines = formatEscapeClaims('0x00000000000000000000000000000000000000a1', [claim])
    expect(lines[1]).toBe(`chain 31338 vault ${claim.vault} checkpoint 3 (root ${claim.root})`)
    expect(lines[2]).toBe(`  claimEscape(${claim.asset}, 700000000, 1000000000, 0, [${claim.proof[0]}, ${claim.proof[1]}])`)
  })

  it('points an account without a leaf to claimEscapeWithoutLeaf', () => {
    expect(formatEscapeClaims('0xabc', []).join('\n')).toMatch(/claimEscapeWithoutLeaf\(asset\)/)
  })

  it('renders integers as decimal strings in JSON', () => {
    expect(escapeClaimJson(claim)).toMatchObject({ epoch: '3', entitlement: '700000000', creditedAt: '1000000000', debitedAt: '0' })
  })
})
