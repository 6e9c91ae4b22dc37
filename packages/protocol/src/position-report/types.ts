import type { Address } from 'viem'

/** A venue's statement of one account's position in one market, signed with EIP-712. */
export type PositionReport = {
  account: Address
  /** market symbol, e.g. `ETH-PERP` */
  market: string
  /** signed size with 18 decimals (negative = short, 0 = closed) */
  size: bigint
  /** average entry price, USD with 8 decimals */
  entryPrice: bigint
  /** strictly increasing per account; the hub refuses a report whose sequence is not above the last one */
  sequence: bigint
}

/**
 * The EIP-712 domain of position reports: `name` from `config.venue.domainName`, version 1, the hub chain id and, as
 * `verifyingContract`, the MarginHub address (`config.hub.address`), so a report signed for one deployment is refused
 * by every other, even one sharing the reporter key and the hub chain.
 */
export type PositionReportDomain = { name: string; version: '1'; chainId: number; verifyingContract: Address }

/** EIP-712 types of {@link PositionReport}. */
export const positionReportTypes = {
  PositionReport: [
    { name: 'account', type: 'address' },
    { name: 'market', type: 'string' },
    { name: 'size', type: 'int256' },
    { name: 'entryPrice', type: 'uint256' },
    { name: 'sequence', type: 'uint64' },
  ],
} as const

/**
 * Builds the position-report domain of one hub deployment.
 * @param parameters.name the venue's domain name (`config.venue.domainName`)
 * @param parameters.chainId the hub chain id (`config.hub.chainId`)
 * @param parameters.verifyingContract the MarginHub address (`config.hub.address`)
 * @example positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
 */
export function positionReportDomain(parameters: { name: string; chainId: number; verifyingContract: Address }): PositionReportDomain {
  return { name: parameters.name, version: '1', chainId: parameters.chainId, verifyingContract: parameters.verifyingContract }
}
