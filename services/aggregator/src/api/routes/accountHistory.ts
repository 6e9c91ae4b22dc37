import { createRoute, z } from '@hono/zod-openapi'
import type { Config } from '@unimargin/chains'
import { and, commands, type Db, desc, eq, inArray, liquidations, sql, withdrawals } from '@unimargin/db'
import { liquidationView, withdrawalView } from '../../view/index.js'
import { before, micros } from '../keyset.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.js'
import { LiquidationSchema, WithdrawalSchema } from '../schemas/accountView.js'
import { AddressParams } from '../schemas/common.js'

const WITHDRAWAL_STATES = ['requested', 'reserved', 'approved', 'executed', 'rejected', 'expired', 'voided'] as const

const listWithdrawals = createRoute({
  method: 'get',
  path: '/{address}/withdrawals',
  tags: ['accounts'],
  summary: "The account's withdrawal requests and the hub's decisions, newest first",
  request: {
    params: AddressParams,
    query: PageQuery.extend({
      state: z.enum(WITHDRAWAL_STATES).optional().openapi({ param: { name: 'state', in: 'query' }, description: 'only withdrawals in this state' }),
    }),
  },
  responses: { 200: json(pageOf(WithdrawalSchema).openapi('WithdrawalPage'), 'A page of withdrawals'), ...errorResponses(400, 429) },
})
const listLiquidations = createRoute({
  method: 'get',
  path: '/{address}/liquidations',
  tags: ['accounts'],
  summary: "The account's liquidations, newest first",
  request: { params: AddressParams, query: PageQuery },
  responses: { 200: json(pageOf(LiquidationSchema).openapi('LiquidationPage'), 'A page of liquidations'), ...errorResponses(400, 429) },
})

/**
 * `GET /v1/accounts/{address}/withdrawals?state=&limit=&cursor=`: every withdrawal request of the account, newest
 * first (by request time, then chain and request id), with its decision and command state.
 * `GET /v1/accounts/{address}/liquidations?limit=&cursor=`: every liquidation of the account, newest first (by id).
 * Both in pages of `limit` (≤ 200) with `nextCursor` (null on the last page).
 */
export function accountHistoryRoutes(deps: { db: Db; config: Config }) {
  return openApiRouter()
    .openapi(listWithdrawals, async (c) => {
      const { address } = c.req.valid('param')
      const { limit, cursor, state } = c.req.valid('query')
      const after = cursor === undefined ? undefined : decodeCursor(cursor, [/^\d{1,20}$/, /^\d{1,20}$/, /^\d{1,20}$/])
      const rows = await deps.db
        .select({ row: withdrawals, createdMicros: micros(withdrawals.createdAt) })
        .from(withdrawals)
        .where(
          and(
            eq(withdrawals.account, address),
            state === undefined ? undefined : eq(withdrawals.state, state),
            after === undefined
              ? undefined
              : before(
                  [sql`(extract(epoch from ${withdrawals.createdAt}) * 1000000)::bigint`, sql`${withdrawals.chainId}`, sql`${withdrawals.requestId}`],
                  after,
                  ['bigint', 'bigint', 'bigint'],
                ),
          ),
        )
        .orderBy(desc(withdrawals.createdAt), desc(withdrawals.chainId), desc(withdrawals.requestId))
        .limit(limit + 1)
      const ids = rows.flatMap((r) => (r.row.commandId ? [r.row.commandId] : []))
      const states = new Map(
        ids.length === 0
          ? []
          : (await deps.db.select({ id: commands.id, state: commands.state }).from(commands).where(inArray(commands.id, ids))).map((x) => [x.id, x.state]),
      )
      const page = pageFrom(
        rows,
        limit,
        (r) => [String(r.createdMicros), String(r.row.chainId), r.row.requestId.toString()],
        (r) => withdrawalView(deps.config, r.row, r.row.commandId ? (states.get(r.row.commandId) ?? null) : null),
      )
      return c.json(page, 200)
    })
    .openapi(listLiquidations, async (c) => {
      const { address } = c.req.valid('param')
      const { limit, cursor } = c.req.valid('query')
      const after = cursor === undefined ? undefined : decodeCursor(cursor, [/^\d{1,20}$/])
      const rows = await deps.db
        .select()
        .from(liquidations)
        .where(and(eq(liquidations.account, address), after === undefined ? undefined : sql`${liquidations.id} < cast(${after[0]} as bigint)`))
        .orderBy(desc(liquidations.id))
        .limit(limit + 1)
      return c.json(
        pageFrom(rows, limit, (r) => [r.id.toString()], liquidationView),
        200,
      )
    })
}
