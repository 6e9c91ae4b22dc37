import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { recoverPositionReporter, signPositionReport } from './sign.js'
import { positionReportDomain } from './types.js'

const reporter = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const hub = '0x000000000000000000000000000000000000004B' as const
const domain = positionReportDomain({ name: 'Unimargin', chainId: 31337, verifyingContract: hub })
const report = {
  account: '0x000000000000000000000000000000000000a11c' as const,
  market: 'ETH-PERP',
  size: -15n * 10n ** 17n,
  entryPrice: 2000_00000000n,
  sequence: 1n,
}

describe('position reports', () => {
  it('recovers the reporter from its signature', async () => {
    const signature = await signPositionReport(reporter, report, domain)
    expect(await recoverPositionReporter({ report, domain, signature })).toBe(reporter.address)
  })

  it('recovers a different address when any field or the domain changes', async () => {
    const signature = await signPositionReport(reporter, report, domain)
    expect(await recoverPositionReporter({ report: { ...report, sequence: 2n }, domain, signature })).not.toBe(reporter.address)
    expect(await recoverPositionReporter({ report, domain: { ...domain, chainId: 1 }, signature })).not.toBe(reporter.address)
  })

  it('recovers a different address for a report signed for another hub address on the same chain', async () => {
    const signature = await signPositionReport(reporter, report, domain)
    const otherHub = positionReportDomain({ name: 'Unimargin', chainId: 31337, verifyingContract: '0x000000000000000000000000000000000000004C' })
    expect(await recoverPositionReporter({ report, domain: otherHub, signature })).not.toBe(reporter.address)
  })
})
