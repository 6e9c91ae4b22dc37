import { createRoute, z } from '@hono/zod-openapi'
import type { Config } from '@unimargin/chains'
import { accounts, collateralBalances, type Db, positions } from '@unimargin/db'
import type { MiddlewareHandler } from 'hono'
import { formatUnits } from 'viem'
import { toUnixSeconds } from '../../common/format.js'
import { readAccount } from '../../ledger/index.js'
import { valueAccount } from '../../valuation/index.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.js'
import { AddressString, DecimalString, IntString } from '../schemas/common.js'

const AccountSummary = z
  .object({
    address: AddressString,
    equityUsd8: IntString,
    equityUsd: DecimalString,
    imUsd8: IntString,
    mmUsd8: IntString,
    health: z.string().nullable().openapi({ description: 'equity / MM with 4 decimals; null without a maintenance requirement' }),
    healthBps: IntString.nullable(),
    lockState: z.string(),
  })
  .openapi('AccountSummary')

const listAccounts = createRoute({
  method: 'get',
  path: '/',
  tags: ['operators'],
  summary: 'Every account with its margin, least healthy first (operators: API key)',
  security: [{ apiKey: [] }],
  request: {
    query: PageQuery.extend({
      sort: z
        .enum(['health', 'address'])
        .default('health')
        .openapi({ param: { name: 'sort', in: 'query' }, description: '`health`: least healthy first (accounts without a requirement last); `address`: by address' }),
    }),
  },
  responses: { 200: json(pageOf(AccountSummary).openapi('AccountPage'), 'A page of accounts'), ...errorResponses(400, 401, 429) },
})

/** A sort key that orders as text: health bps zero-padded (no requirement sorts after every health), then address. */
const HEALTH_NONE = '~'
const keyOf = (healthBps: bigint | null) => (healthBps === null ? HEALTH_NONE : healthBps.toString().padStart(40, '0'))

/**
 * `GET /v1/accounts?sort=health|address&limit=&cursor=` (operators: `requireApiKey`): every account the hub knows
 * (with a hub record, a balance or a position), valued now, least healthy first or by address, in pages of `limit`
 * with `nextCursor`. Each request values every account (as the aggregator does each pass), so its cost grows with
 * their number: it is for operators, not for front-ends.
 */
export function accountIndexRoutes(deps: { db: Db; config: Config; now: () => Date; requireApiKey: MiddlewareHandler }) {
  return openApiRouter().openapi({ ...listAccounts, middleware: [deps.requireApiKey] as const }, async (c) => {
    const { limit, cursor, sort } = c.req.valid('query')
    const after = cursor === undefined ? undefined : decodeCursor(cursor, [/^(\d{40}|~)$/, /^0x[0-9a-fA-F]{40}$/])
    const [a, b, p] = await Promise.all([
      deps.db.select({ address: accounts.address }).from(accounts),
      deps.db.selectDistinct({ address: collateralBalances.account }).from(collateralBalances),
      deps.db.selectDistinct({ address: positions.account }).from(positions),
    ])
    const addresses = [...new Set([...a, ...b, ...p].map((r) => r.address))]
    const referenceTs = toUnixSeconds(deps.now())
    const rows = []
    for (const address of addresses) {
      const account = await readAccount(deps.db, address)
      const { margin } = await valueAccount(deps.db, deps.config, account, referenceTs)
      rows.push({ sortKey: sort === 'health' ? keyOf(margin.healthBps) : '', account, margin })
    }
    const compare = (x: { sortKey: string; address: string }, y: { sortKey: string; address: string }) =>
      x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : x.address < y.address ? -1 : x.address > y.address ? 1 : 0
    const ordered = rows
      .map((r) => ({ ...r, address: r.account.address }))
      .sort(compare)
      .filter((r) => after === undefined || compare(r, { sortKey: sort === 'health' ? after[0]! : '', address: after[1]! }) > 0)
    const page = pageFrom(
      ordered.slice(0, limit + 1),
      limit,
      (r) => [r.sortKey || HEALTH_NONE, r.address],
      (r) => ({
        address: r.address,
        equityUsd8: r.margin.equityUsd8.toString(),
        equityUsd: formatUnits(r.margin.equityUsd8, 8),
        imUsd8: r.margin.imUsd8.toString(),
        mmUsd8: r.margin.mmUsd8.toString(),
        health: r.margin.health,
        healthBps: r.margin.healthBps?.toString() ?? null,
        lockState: r.account.lockState,
      }),
    )
    return c.json(page, 200)
  })
}
