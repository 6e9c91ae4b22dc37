import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createRoute } from '@hono/zod-openapi'
import type { Logger } from 'pino'
import { type Address, getAddress, type Hex, isAddress } from 'viem'
import { z } from '@hono/zod-openapi'
import { toUnixSeconds } from '../../common/format.js'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { PositionReportError, type PositionReportErrorCode } from '../../common/errors.js'
import { positionReportDomain, recoverPositionReporter } from '@unimargin/protocol'
import { applyPositionReport, MAX_REPORT_SEQUENCE } from '../../positions/index.js'
import { ApiError } from '../errors.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'

const INT256_MAX = 2n ** 255n - 1n
const UINT256_MAX = 2n ** 256n - 1n

// digit counts are bounded before BigInt(): an int256 or uint256 has at most 78 digits, a uint64 20
const body = z.object({
  report: z.object({
    account: z
      .string()
      .refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
      .transform((v) => getAddress(v) as Address),
    market: z.string().min(1, 'must be a market symbol'),
    size: z
      .string()
      .regex(/^-?\d{1,78}$/, 'must be a signed integer in decimal (18 decimals)')
      .transform(BigInt)
      .refine((v) => v >= -INT256_MAX - 1n && v <= INT256_MAX, 'must fit int256'),
    entryPrice: z
      .string()
      .regex(/^\d{1,78}$/, 'must be an unsigned integer in decimal (usd, 8 decimals)')
      .transform(BigInt)
      .refine((v) => v <= UINT256_MAX, 'must fit uint256'),
    sequence: z
      .string()
      .regex(/^\d{1,20}$/, 'must be an unsigned integer in decimal')
      .transform(BigInt)
      .refine((v) => v <= MAX_REPORT_SEQUENCE, `must be at most ${MAX_REPORT_SEQUENCE} (2^63−1), the largest sequence the hub stores`),
  }),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x signature')
    .transform((v) => v as Hex),
}).openapi('PositionReportRequest')

/** Status and the report field each refusal names. */
const refusals = {
  invalid_signature: { status: 401, path: 'signature' },
  stale_sequence: { status: 409, path: 'report.sequence' },
  sequence_out_of_range: { status: 400, path: 'report.sequence' },
  unknown_market: { status: 400, path: 'report.market' },
  mark_price_unavailable: { status: 503, path: 'report.market' },
  entry_price_out_of_band: { status: 422, path: 'report.entryPrice' },
  notional_too_large: { status: 422, path: 'report.size' },
} as const satisfies Record<PositionReportErrorCode, { status: ContentfulStatusCode; path: string }>

/** Seconds a venue should wait before re-sending a report refused for want of a fresh mark price. */
const MARK_PRICE_RETRY_AFTER_SECONDS = 5

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['venue'],
  summary: "A venue's EIP-712 signed position report",
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: {
    200: json(
      z.object({ accepted: z.literal(true), account: z.string(), market: z.string(), sequence: z.string() }).openapi('PositionReportAccepted'),
      'Accepted',
    ),
    ...errorResponses(400, 401, 409, 413, 422, 429, 503),
  },
})

/**
 * `POST /v1/positions`: accepts an EIP-712 position report signed by `config.venue.reporter` over the domain
 * `{ name: config.venue.domainName, version: '1', chainId: config.hub.chainId, verifyingContract: config.hub.address }`.
 * Every refusal is `{ error: { code, message, issues: [{ path, message }] } }` naming the field:
 * - 400 a malformed body, a sequence above 2^63−1 (`report.sequence`), or an unknown market;
 * - 401 another signer, or a report signed for another hub (`invalid_signature`);
 * - 409 a sequence not above the account's last one (`stale_sequence`);
 * - 422 an entry price of 0 or outside the market's band around the mark (`report.entryPrice`), or a notional above
 *   the market's maximum (`report.size`);
 * - 503 with `Retry-After` when the hub has no fresh mark price of the market's underlying yet
 *   (`mark_price_unavailable`): the same report is accepted once one arrives.
 */
export function positionRoutes(deps: { db: Db; config: Config; logger: Logger; now: () => Date }) {
  const { db, config } = deps
  const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
  return openApiRouter().openapi(route, async (c) => {
    const { report, signature } = c.req.valid('json')
    let signer: Address | undefined
    try {
      signer = await recoverPositionReporter({ report, domain, signature })
    } catch {
      signer = undefined
    }
    if (signer !== config.venue.reporter) {
      const message = `The report is not signed by the configured reporter ${config.venue.reporter} for the MarginHub ${config.hub.address} on chain ${config.hub.chainId}.`
      throw new ApiError(401, 'invalid_signature', message, [{ path: refusals.invalid_signature.path, message }])
    }
    try {
      const result = await db.transaction((tx) =>
        applyPositionReport({ tx, config, logger: deps.logger, now: deps.now, referenceTs: toUnixSeconds(deps.now()) }, report, signature),
      )
      return c.json({ accepted: true as const, account: report.account, market: report.market, sequence: result.sequence.toString() }, 200)
    } catch (error) {
      if (error instanceof PositionReportError) {
        const { status, path } = refusals[error.code]
        if (error.code === 'mark_price_unavailable') c.header('Retry-After', String(MARK_PRICE_RETRY_AFTER_SECONDS))
        throw new ApiError(status, error.code, error.message, [{ path, message: error.message }])
      }
      throw error
    }
  })
}
