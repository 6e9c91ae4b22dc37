import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import { isAddress } from 'viem'
import { z } from 'zod'
import { getAccountView } from '../../view/index.js'
import { validate } from '../validation.js'

const params = z.object({ address: z.string().refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address') })

/** `GET /v1/accounts/:address`: the account view (see `AccountView`). */
export function accountRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return new Hono().get('/:address', validate('param', params), async (c) => {
    const { address } = c.req.valid('param')
    return c.json(await getAccountView(deps.db, deps.config, address, deps.now()))
  })
}
