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

/** The EIP-712 domain of position reports: `name` from `config.venue.domainName`, version 1, the hub chain id. */
export type PositionReportDomain = { name: string; version: '1'; chainId: number }

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
 * Builds the position-report domain.
 * @example positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId })
 */
export function positionReportDomain(parameters: { name: string; chainId: number }): PositionReportDomain {
  return { name: parameters.name, version: '1', chainId: parameters.chainId }
}
