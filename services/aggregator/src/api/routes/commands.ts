import type { CommandView } from '@unimargin/client'
import { asc, commands, commandTransitions, type Db, eq, normalizeHex } from '@unimargin/db'
import { Hono } from 'hono'
import { z } from 'zod'
import { ApiError } from '../errors.js'
import { validate } from '../validation.js'

const params = z.object({ id: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte 0x command id') })

/** `GET /v1/commands/:id`: the command, its state, outcome, tx hashes, attempts, last error and every transition. */
export function commandRoutes(deps: { db: Db }) {
  return new Hono().get('/:id', validate('param', params), async (c) => {
    const id = normalizeHex(c.req.valid('param').id, 'id')
    const [command] = await deps.db.select().from(commands).where(eq(commands.id, id))
    if (!command) throw new ApiError(404, 'not_found', `Command ${id} does not exist.`)
    const transitions = await deps.db
      .select()
      .from(commandTransitions)
      .where(eq(commandTransitions.commandId, id))
      .orderBy(asc(commandTransitions.id))
    return c.json({
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
      transitions: transitions.map((t) => ({ from: t.fromState, to: t.toState, detail: t.detail, at: t.at.toISOString() })),
    } satisfies CommandView)
  })
}
