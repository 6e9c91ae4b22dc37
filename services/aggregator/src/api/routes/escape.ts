import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import { type Address, isAddress } from 'viem'
import { z } from 'zod'
import { loadEscapeClaims } from '../../escape/index.js'
import { validate } from '../validation.js'

const params = z.object({ address: z.string().refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address') })

/**
 * `GET /v1/accounts/:address/escape`: per vault and asset, the arguments of `MarginVault.claimEscape(asset,
 * entitlement, creditedAt, debitedAt, proof)` under the newest checkpoint the hub stored for that vault, so the
 * account can exit in escape mode with any wallet. Amounts in token base units as decimal strings. An empty
 * `claims` means no leaf: a vault the account first used after its checkpoint pays it through
 * `claimEscapeWithoutLeaf(asset)`.
 */
export function escapeRoutes(deps: { db: Db }) {
  return new Hono().get('/:address/escape', validate('param', params), async (c) => {
    const account = c.req.valid('param').address as Address
    const claims = await loadEscapeClaims(deps.db, account)
    return c.json({
      account,
      claims: claims.map((x) => ({
        chainId: x.chainId,
        vault: x.vault,
        epoch: x.epoch.toString(),
        root: x.root,
        asset: x.asset,
        entitlement: x.entitlement.toString(),
        creditedAt: x.creditedAt.toString(),
        debitedAt: x.debitedAt.toString(),
        proof: x.proof,
      })),
    })
  })
}
