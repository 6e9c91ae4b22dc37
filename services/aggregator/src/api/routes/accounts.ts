import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createRoute, z } from '@hono/zod-openapi'
import type { MiddlewareHandler, TypedResponse } from 'hono'
import { getAddress, isAddress } from 'viem'
import { readWhatIfInput, UnknownInstrumentError, type WhatIfPool, WhatIfQueueFullError, WhatIfTimeoutError } from '../../whatif/index.js'
import { ApiError } from '../errors.js'
import type { LiveAccounts, ServedAccountView } from '../live/index.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { AccountViewSchema } from '../schemas/accountView.js'
import { AddressParams } from '../schemas/common.js'
import { decimalInteger, INT256_MAX, INT256_MIN, UINT256_MAX } from '../validation.js'

/** The most position and the most collateral changes one what-if may name (each). */
export const MAX_WHAT_IF_CHANGES = 50

const address = z.string().refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
export const WhatIfBody = z
  .object({
    positions: z
      .array(
        z.object({
          market: z.string().min(1).max(64),
          /** size delta, 18 decimals, signed */
          size: decimalInteger({ min: INT256_MIN, max: INT256_MAX, fits: 'int256', unit: 'size delta, 18 decimals' }),
        }),
      )
      .max(MAX_WHAT_IF_CHANGES)
      .default([]),
    collateral: z
      .array(
        z.object({
          /** a JSON number: zod's `int()` refuses one above 2^53 − 1, as the config does */
          chainId: z.number().int().positive(),
          asset: address.transform((v) => getAddress(v)),
          /** collateral delta, token base units, signed: a balance is a uint256 */
          amount: decimalInteger({ min: -UINT256_MAX, max: UINT256_MAX, fits: '±uint256', unit: 'amount delta, token base units' }),
        }),
      )
      .max(MAX_WHAT_IF_CHANGES)
      .default([]),
  })
  .refine((b) => b.positions.length + b.collateral.length > 0, 'name at least one position or collateral change')
  .openapi('WhatIfRequest')

const MarginSummarySchema = z
  .object({
    equityUsd8: z.string(),
    imUsd8: z.string(),
    mmUsd8: z.string(),
    freeCollateralUsd8: z.string(),
    health: z.string().nullable(),
    worstScenario: z.string().nullable(),
  })
  .openapi('MarginSummary')
const WhatIfResultSchema = z.object({ before: MarginSummarySchema, after: MarginSummarySchema }).openapi('WhatIfResult')

/**
 * `GET /v1/accounts/{address}`: the account view (see `AccountView`), with `parameterSet`: the risk parameter set in
 * force for the account, why, and what moved it (`AccountParameterSetView`; null before the first calibration), and
 * `applied`: whether the hub margins the account under it (`margin.calibration = 'volatility'`) or only publishes it.
 * Served from `live`'s cache with an `ETag`; a matching `If-None-Match` is answered 304.
 * `POST /v1/accounts/{address}/what-if`: margin before and after hypothetical position and collateral changes,
 * computed in the what-if worker pool behind its own, stricter rate limit (`whatIfRateLimit`): 400 on an unknown
 * market or asset, 503 with `Retry-After` when the pool's queue is full (`busy`) or the what-if outlives its timeout
 * (`what_if_timeout`).
 */
export function accountRoutes(deps: {
  db: Db
  config: Config
  now: () => Date
  live: LiveAccounts<ServedAccountView>
  whatIfPool: () => WhatIfPool
  whatIfRateLimit: MiddlewareHandler
}) {
  const getAccount = createRoute({
    method: 'get',
    path: '/{address}',
    tags: ['accounts'],
    summary: 'An account: margin, health, collateral per chain, positions, withdrawable amounts, withdrawals, liquidations',
    request: { params: AddressParams },
    responses: {
      200: {
        ...json(AccountViewSchema, 'The account view (an address never seen is an empty account)'),
        headers: {
          ETag: { description: 'the view\'s version: send it as `If-None-Match` to get a 304 while it is unchanged', schema: { type: 'string' } },
          Age: {
            description:
              'seconds since the view was computed: a change of the account or a price replaces it at once; what moves without one (route latencies, what vaults can pay, valuation blocks and price ages) is that old',
            schema: { type: 'string' },
          },
        },
      },
      304: { description: 'Unchanged since the view whose `ETag` the request sent in `If-None-Match`' },
      ...errorResponses(400, 429),
    },
  })
  const whatIf = createRoute({
    method: 'post',
    path: '/{address}/what-if',
    tags: ['accounts'],
    summary: 'Margin before and after hypothetical position and collateral changes (rate-limited more strictly)',
    middleware: [deps.whatIfRateLimit] as const,
    request: { params: AddressParams, body: { required: true, content: { 'application/json': { schema: WhatIfBody } } } },
    responses: { 200: json(WhatIfResultSchema, 'Margin before and after'), ...errorResponses(400, 413, 429, 503) },
  })
  return openApiRouter()
    .openapi(getAccount, async (c) => {
      const { address } = c.req.valid('param')
      const served = await deps.live.view(address)
      // answered here rather than by hono's etag middleware, which rebuilds the response to read its headers
      if (ifNoneMatchHas(c.req.header('if-none-match'), served.etag)) return c.body(null, 304, { ETag: served.etag })
      // the cached JSON text as it is: serialising the view again for every read would cost more than the read
      // Age (RFC 9111 §5.1): seconds since the view was computed; parts of it that move without a change of the account
      // (route latencies, what vaults can pay, valuation blocks) are that old
      const age = String(Math.max(0, Math.floor((deps.now().getTime() - served.computedAtMs) / 1000)))
      return c.body(served.body, 200, { 'content-type': 'application/json', ETag: served.etag, Age: age }) as unknown as Response & TypedResponse<ServedAccountView, 200, 'json'>
    })
    .openapi(whatIf, async (c) => {
      const { address } = c.req.valid('param')
      const input = await readWhatIfInput(deps.db, deps.config, address, deps.now())
      try {
        return c.json(await deps.whatIfPool().run(input, c.req.valid('json')), 200)
      } catch (error) {
        if (error instanceof UnknownInstrumentError) throw new ApiError(400, 'unknown_instrument', error.message)
        if (error instanceof WhatIfQueueFullError) throw new ApiError(503, 'busy', error.message, undefined, { 'retry-after': '1' })
        if (error instanceof WhatIfTimeoutError)
          throw new ApiError(503, 'what_if_timeout', error.message, undefined, { 'retry-after': String(Math.ceil(error.timeoutMs / 1000)) })
        throw error
      }
    })
}

/**
 * Whether an `If-None-Match` header value names `etag` (a strong ETag) or is `*`, comparing weakly as RFC 9110 §13.1.2
 * asks for `If-None-Match` (a `W/` prefix is ignored).
 */
function ifNoneMatchHas(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}
