import { type Transport, unwrap } from '../transport.js'
import type { PositionReportAccepted, PositionReportInput } from '../types.js'

export type PositionActions = {
  /**
   * Submits a venue's position report (`POST /v1/positions`), signed with `signPositionReport` over
   * `positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })`.
   * Integers are sent as decimal strings.
   * @param signature the 65-byte EIP-712 signature, 0x-hex
   * @throws {UnimarginApiError} 400 malformed, a sequence above 2^63−1 or an unknown market; 401 wrong signer or a
   *   domain of another hub; 409 replayed sequence; 422 entry price 0 or outside the market's band around the mark,
   *   or notional above the market's maximum; 503 (retry after `retryAfterSeconds`) no fresh mark price of the
   *   underlying yet.
   */
  reportPosition: (report: PositionReportInput, signature: string) => Promise<PositionReportAccepted>
}

export function positionActions(t: Transport): PositionActions {
  return {
    reportPosition: (report, signature) =>
      unwrap(t, 'POST /v1/positions', () =>
        t.api.POST('/v1/positions', {
          body: {
            report: {
              account: report.account,
              market: report.market,
              size: report.size.toString(),
              entryPrice: report.entryPrice.toString(),
              sequence: report.sequence.toString(),
            },
            signature,
          },
        }),
      ),
  }
}
