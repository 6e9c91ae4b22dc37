import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono, type MiddlewareHandler } from 'hono'
import { getAddress, isAddress } from 'viem'
import { z } from 'zod'
import { accountParameterSet, type ParameterSetStore } from '../../riskParameters/index.js'
import { getAccountView } from '../../view/index.js'
import { readWhatIfInput, UnknownInstrumentError, type WhatIfPool, WhatIfQueueFullError, WhatIfTimeoutError } from '../../whatif/index.js'
import { ApiError } from '../errors.js'
import { decimalInteger, INT256_MAX, INT256_MIN, UINT256_MAX, validate } from '../validation.js'

/** The most position and the most collateral changes one what-if may name (each). */
export const MAX_WHAT_IF_CHANGES = 50

const address = z.string().refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
const params = z.object({ address })
const whatIfBody = z
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

/**
 * `GET /v1/accounts/:address`: the account view (see `AccountView`), with `parameterSet`: the risk parameter set in
 * force for the account, why, and what moved it (`AccountParameterSetView`; null before the first calibration), and
 * `applied`: whether the hub margins the account under it (`margin.calibration = 'volatility'`) or only publishes it.
 * `POST /v1/accounts/:address/what-if`: margin before and after hypothetical position and collateral changes,
 * computed in the what-if worker pool: 400 on an unknown market or asset, 503 with `Retry-After` when the pool's
 * queue is full (`busy`) or the what-if outlives its timeout (`what_if_timeout`).
 */
export function accountRoutes(deps: {
  db: Db
  config: Config
  now: () => Date
  whatIfPool: () => WhatIfPool
  whatIfRateLimit: MiddlewareHandler
  riskParameters: ParameterSetStore
}) {
  return new Hono()
    .get('/:address', validate('param', params), async (c) => {
      const { address } = c.req.valid('param')
      const now = deps.now()
      const view = await getAccountView(deps.db, deps.config, address, now)
      if (view.parameterSet) return c.json(view)
      // the grid is static: show the set the hub publishes for the account, not applied
      const published = await accountParameterSet(deps.db, await deps.riskParameters.state(deps.db), address, now.getTime())
      return c.json({ ...view, parameterSet: published && { ...published, applied: false } })
    })
    .post('/:address/what-if', deps.whatIfRateLimit, validate('param', params), validate('json', whatIfBody), async (c) => {
      const { address } = c.req.valid('param')
      const input = await readWhatIfInput(deps.db, deps.config, address, deps.now())
      try {
        return c.json(await deps.whatIfPool().run(input, c.req.valid('json')))
      } catch (error) {
        if (error instanceof UnknownInstrumentError) throw new ApiError(400, 'unknown_instrument', error.message)
        if (error instanceof WhatIfQueueFullError) throw new ApiError(503, 'busy', error.message, undefined, { 'retry-after': '1' })
        if (error instanceof WhatIfTimeoutError)
          throw new ApiError(503, 'what_if_timeout', error.message, undefined, { 'retry-after': String(Math.ceil(error.timeoutMs / 1000)) })
        throw error
      }
    })
}
