import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import { getAddress, isAddress } from 'viem'
import { z } from 'zod'
import { getAccountView } from '../../view/index.js'
import { UnknownInstrumentError, whatIf } from '../../whatif/index.js'
import { ApiError } from '../errors.js'
import { validate } from '../validation.js'

const address = z.string().refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
const params = z.object({ address })
const integer = z.string().regex(/^-?\d+$/, 'must be a signed integer in decimal').transform((v) => BigInt(v))
const whatIfBody = z
  .object({
    /** size deltas, 18 decimals, signed */
    positions: z.array(z.object({ market: z.string().min(1), size: integer })).max(50).default([]),
    /** collateral deltas, token base units, signed */
    collateral: z.array(z.object({ chainId: z.number().int().positive(), asset: address.transform((v) => getAddress(v)), amount: integer })).max(50).default([]),
  })
  .refine((b) => b.positions.length + b.collateral.length > 0, 'name at least one position or collateral change')

/**
 * `GET /v1/accounts/:address`: the account view (see `AccountView`).
 * `POST /v1/accounts/:address/what-if`: margin before and after hypothetical position and collateral changes.
 */
export function accountRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return new Hono()
    .get('/:address', validate('param', params), async (c) => {
      const { address } = c.req.valid('param')
      return c.json(await getAccountView(deps.db, deps.config, address, deps.now()))
    })
    .post('/:address/what-if', validate('param', params), validate('json', whatIfBody), async (c) => {
      const { address } = c.req.valid('param')
      try {
        return c.json(await whatIf(deps.db, deps.config, address, c.req.valid('json'), deps.now()))
      } catch (error) {
        if (error instanceof UnknownInstrumentError) throw new ApiError(400, 'unknown_instrument', error.message)
        throw error
      }
    })
}
