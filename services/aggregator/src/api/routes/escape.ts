import { createRoute, z } from '@hono/zod-openapi'
import type { Db } from '@unimargin/db'
import type { Address } from 'viem'
import { loadEscapeClaims } from '../../escape/index.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { AddressParams, AddressString, IntString } from '../schemas/common.js'

const EscapeClaims = z
  .object({
    account: AddressString,
    claims: z.array(
      z.object({
        chainId: z.number(),
        vault: AddressString,
        epoch: IntString,
        root: z.string(),
        asset: AddressString,
        entitlement: IntString.openapi({ description: 'token base units' }),
        creditedAt: IntString,
        debitedAt: IntString,
        proof: z.array(z.string()),
      }),
    ),
  })
  .openapi('EscapeClaims')

const route = createRoute({
  method: 'get',
  path: '/{address}/escape',
  tags: ['accounts'],
  summary: 'The arguments of MarginVault.claimEscape per vault and asset under the newest checkpoint',
  request: { params: AddressParams },
  responses: { 200: json(EscapeClaims, 'Escape claims (empty: no leaf, claim with claimEscapeWithoutLeaf)'), ...errorResponses(400, 429) },
})

/**
 * `GET /v1/accounts/{address}/escape`: per vault and asset, the arguments of `MarginVault.claimEscape(asset,
 * entitlement, creditedAt, debitedAt, proof)` under the newest checkpoint the hub stored for that vault, so the
 * account can exit in escape mode with any wallet. Amounts in token base units as decimal strings. An empty
 * `claims` means no leaf: a vault the account first used after its checkpoint pays it through
 * `claimEscapeWithoutLeaf(asset)`.
 */
export function escapeRoutes(deps: { db: Db }) {
  return openApiRouter().openapi(route, async (c) => {
    const account = c.req.valid('param').address as Address
    const claims = await loadEscapeClaims(deps.db, account)
    return c.json(
      {
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
      },
      200,
    )
  })
}
