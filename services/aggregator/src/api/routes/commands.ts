import { createRoute, z } from '@hono/zod-openapi'
import type { CommandView } from '@unimargin/client'
import { and, asc, commands, commandTransitions, type Db, desc, eq, normalizeHex, sql } from '@unimargin/db'
import { getAddress, isAddress } from 'viem'
import { ApiError } from '../errors.js'
import { before, micros } from '../keyset.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.js'
import { AddressString, IntString, IsoTime } from '../schemas/common.js'

export const COMMAND_STATES = ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'] as const

const CommandSummaryFields = {
  id: z.string(),
  kind: z.string(),
  account: AddressString,
  destChainId: z.number(),
  vault: AddressString,
  cause: z.string(),
  payload: z.string(),
  expiry: IntString.openapi({ description: 'unix s' }),
  state: z.string(),
  outcome: z.string().nullable(),
  attempts: z.number(),
  nextAttemptAt: IsoTime,
  lastError: z.string().nullable(),
  publishTx: z.string().nullable(),
  sequence: IntString.nullable(),
  deliverTx: z.string().nullable(),
  hasVaa: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
}
const CommandSummary = z.object(CommandSummaryFields).openapi('CommandSummary')
const CommandSchema = z
  .object({
    ...CommandSummaryFields,
    transitions: z.array(z.object({ from: z.string().nullable(), to: z.string(), detail: z.record(z.string(), z.unknown()), at: IsoTime })),
  })
  .openapi('Command')

const IdParams = z.object({
  id: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte 0x command id')
    .openapi({ param: { name: 'id', in: 'path' }, example: `0x${'ab'.repeat(32)}` }),
})
const ListQuery = PageQuery.extend({
  state: z.enum(COMMAND_STATES).optional().openapi({ param: { name: 'state', in: 'query' }, description: 'only commands in this state' }),
  account: z
    .string()
    .refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
    .transform((v) => getAddress(v))
    .optional()
    .openapi({ param: { name: 'account', in: 'query' }, description: 'only commands for this account' }),
  destChainId: z.coerce.number().int().positive().optional().openapi({ param: { name: 'destChainId', in: 'query' } }),
})

const getCommand = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['commands'],
  summary: 'A command with its state, outcome, transactions and every transition',
  request: { params: IdParams },
  responses: { 200: json(CommandSchema, 'The command'), ...errorResponses(400, 404, 429) },
})
const listCommands = createRoute({
  method: 'get',
  path: '/',
  tags: ['commands'],
  summary: 'Commands of the outbox, newest first, by state, account and destination chain',
  request: { query: ListQuery },
  responses: { 200: json(pageOf(CommandSummary).openapi('CommandPage'), 'A page of commands'), ...errorResponses(400, 429) },
})

type CommandRow = typeof commands.$inferSelect
const summaryOf = (command: CommandRow): Omit<CommandView, 'transitions'> => ({
  id: command.id,
  kind: command.kind,
  account: command.account,
  destChainId: command.destChainId,
  vault: command.vault,
  cause: command.cause,
  payload: command.payload,
  expiry: command.expiry.toString(),
  state: command.state,
  outcome: command.outcome,
  attempts: command.attempts,
  nextAttemptAt: command.nextAttemptAt.toISOString(),
  lastError: command.lastError,
  publishTx: command.publishTx,
  sequence: command.sequence?.toString() ?? null,
  deliverTx: command.deliverTx,
  hasVaa: command.vaa !== null,
  createdAt: command.createdAt.toISOString(),
  updatedAt: command.updatedAt.toISOString(),
})

/**
 * `GET /v1/commands/{id}`: the command, its state, outcome, tx hashes, attempts, last error and every transition.
 * `GET /v1/commands?state=&account=&destChainId=&limit=&cursor=`: commands newest first (by creation, then id),
 * without transitions, in pages of `limit` (≤ 200) with `nextCursor`.
 */
export function commandRoutes(deps: { db: Db }) {
  return openApiRouter()
    .openapi(listCommands, async (c) => {
      const { limit, cursor, state, account, destChainId } = c.req.valid('query')
      const createdAt = micros(commands.createdAt)
      const after = cursor === undefined ? undefined : decodeCursor(cursor, [/^\d{1,20}$/, /^0x[0-9a-f]{64}$/])
      const rows = await deps.db
        .select({ row: commands, createdMicros: createdAt })
        .from(commands)
        .where(
          and(
            state === undefined ? undefined : eq(commands.state, state),
            account === undefined ? undefined : eq(commands.account, account),
            destChainId === undefined ? undefined : eq(commands.destChainId, destChainId),
            after === undefined ? undefined : before([sql`(extract(epoch from ${commands.createdAt}) * 1000000)::bigint`, sql`${commands.id}`], after, ['bigint', 'text']),
          ),
        )
        .orderBy(desc(commands.createdAt), desc(commands.id))
        .limit(limit + 1)
      return c.json(
        pageFrom(rows, limit, (r) => [String(r.createdMicros), r.row.id], (r) => summaryOf(r.row)),
        200,
      )
    })
    .openapi(getCommand, async (c) => {
      const id = normalizeHex(c.req.valid('param').id, 'id')
      const [command] = await deps.db.select().from(commands).where(eq(commands.id, id))
      if (!command) throw new ApiError(404, 'not_found', `Command ${id} does not exist.`)
      const transitions = await deps.db
        .select()
        .from(commandTransitions)
        .where(eq(commandTransitions.commandId, id))
        .orderBy(asc(commandTransitions.id))
      return c.json(
        {
          ...summaryOf(command),
          transitions: transitions.map((t) => ({ from: t.fromState, to: t.toState, detail: t.detail, at: t.at.toISOString() })),
        } satisfies CommandView,
        200,
      )
    })
}
