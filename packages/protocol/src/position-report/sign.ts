import { type Address, type Hex, type LocalAccount, recoverTypedDataAddress } from 'viem'
import { type PositionReport, type PositionReportDomain, positionReportTypes } from './types.js'

/**
 * Signs a position report as the venue's reporter (EIP-712 `signTypedData`).
 * @returns the 65-byte signature as 0x-hex.
 * @example const signature = await signPositionReport(privateKeyToAccount(key), report,
 *   positionReportDomain({ name: 'Unimargin', chainId: 31337, verifyingContract: config.hub.address }))
 */
export async function signPositionReport(account: LocalAccount, report: PositionReport, domain: PositionReportDomain): Promise<Hex> {
  return account.signTypedData({ domain, types: positionReportTypes, primaryType: 'PositionReport', message: report })
}

/**
 * Recovers the address that signed a position report.
 * @returns the signer, checksummed; compare it with the configured reporter.
 * @throws viem's signature errors when the signature is malformed (wrong length, invalid recovery byte).
 */
export async function recoverPositionReporter(parameters: { report: PositionReport; domain: PositionReportDomain; signature: Hex }): Promise<Address> {
  const { report, domain, signature } = parameters
  return recoverTypedDataAddress({ domain, types: positionReportTypes, primaryType: 'PositionReport', message: report, signature })
}
