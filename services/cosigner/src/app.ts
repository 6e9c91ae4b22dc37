import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { createApi } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { and, coSignDecisions, type Db, desc, eq, isNotNull, normalizeHex, normalizeOptionalHex } from '@unimargin/db'
import { signCommand } from '@unimargin/protocol'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Logger } from 'pino'
import { type Hex, isHex, type LocalAccount } from 'viem'
import { z } from 'zod'
import { checkCommand } from './checks.js'
import { checkpointEvidenceSchema } from './evidence.js'

const gunzipAsync = promisify(gunzip)

export type CreateCoSignerAppParameters = {
  db: Db
  config: Config
  /** the co-signer's key (a registered MarginHub co-signer) */
  account: LocalAccount
  logger: Logger
  /** see `checkCommand`; bps */
  toleranceBps: number
  /** the clock (tests pin it); default `() => new Date()` */
  now?: () => Date
  /** largest `POST /v1/cosign` body, bytes, before and after gunzip (default 64 MiB: ~200 000 leaves) */
  maxCosignBodyBytes?: number
}

/** `POST /v1/cosign` body: the encoded command and, for a Checkpoint, the leaves it is checked with. */
const cosignBody = z.strictObject({
  payload: z.string().refine((v) => isHex(v) && v.length % 2 === 0 && v.length >= 4, 'must be 0x-hex bytes'),
  evidence: checkpointEvidenceSchema.optional(),
})

const DEFAULT_MAX_COSIGN_BODY_BYTES = 64 * 1024 * 1024

/**
 * The co-signer's HTTP API: the hub API's routes on the co-signer's own database (so a venue can report positions
 * to it as to the hub) plus `POST /v1/cosign` with `{ payload, evidence? }` (JSON, optionally
 * `Content-Encoding: gzip`; `evidence` as `CheckpointEvidenceWire`, required for a Checkpoint; a malformed body is
 * answered 422 `invalid_body` naming the field, an oversized one 413). That route checks the command ({@link checkCommand}) and answers 200
 * `{ commandId, signer, signature }` when it signs, or 409 (not now: its view does not support it) / 422 (never)
 * `{ error: { code, message } }`. Every answer is recorded in `cosign_decisions`. Idempotent per command id: a
 * command signed once gets the same signature again; another payload under a signed command id is refused (422).
 */
export function createCoSignerApp(parameters: CreateCoSignerAppParameters): Hono {
  const { db, config, account, toleranceBps, now = () => new Date(), maxCosignBodyBytes = DEFAULT_MAX_COSIGN_BODY_BYTES } = parameters
  const logger = parameters.logger.child({ service: 'cosigner', signer: account.address })
  const hub = { chainId: config.hub.chainId, hub: config.hub.address }
  const app = new Hono()

  const tooLarge = (what: string) => ({ error: { code: 'body_too_large', message: `body: larger than ${maxCosignBodyBytes} bytes${what}` } })
  app.post('/v1/cosign', bodyLimit({ maxSize: maxCosignBodyBytes, onError: (c) => c.json(tooLarge(''), 413) }), async (c) => {
    const invalid = (message: string, status: 400 | 415 | 422 = 422) => c.json({ error: { code: 'invalid_body', message } }, status)
    const raw = Buffer.from(await c.req.arrayBuffer())
    const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase()
    let text: string
    if (encoding === 'gzip') {
      try {
        text = (await gunzipAsync(raw, { maxOutputLength: maxCosignBodyBytes })).toString('utf8')
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? c.json(tooLarge(' once gunzipped'), 413)
          : invalid(`body: not valid gzip (${(error as Error).message})`, 400)
      }
    } else if (encoding === 'identity') text = raw.toString('utf8')
    else return invalid(`content-encoding: ${encoding} is not supported (gzip or none)`, 415)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return invalid('body: not JSON')
    }
    const parsed = cosignBody.safeParse(json)
    if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
    const payload = parsed.data.payload.toLowerCase() as Hex
    const verdict = await checkCommand({
      db,
      config,
      payload,
      toleranceBps,
      nowSeconds: BigInt(Math.floor(now().getTime() / 1000)),
      ...(parsed.data.evidence ? { evidence: parsed.data.evidence } : {}),
    })
    const commandId = verdict.command?.commandId
    if (commandId) {
      const [signed] = await db
        .select()
        .from(coSignDecisions)
        .where(and(eq(coSignDecisions.commandId, commandId), isNotNull(coSignDecisions.signature)))
        .orderBy(desc(coSignDecisions.id))
        .limit(1)
      if (signed) {
        if (signed.payload === payload) return c.json({ commandId, signer: account.address, signature: signed.signature })
        const reason = `Command ${commandId} was signed with another payload; a command id is signed once.`
        await record(commandId, verdict.command!.kind, verdict.command!.account, payload, null, reason, { code: 'conflicting_payload' })
        return c.json({ error: { code: 'conflicting_payload', message: reason } }, 422)
      }
    }
    if (!verdict.sign) {
      await record(commandId ?? '', verdict.command?.kind ?? 'unknown', verdict.command?.account ?? '', payload, null, verdict.reason, { code: verdict.code, ...verdict.detail })
      logger.warn({ command_id: commandId, code: verdict.code, reason: verdict.reason }, 'Refused to co-sign command')
      return c.json({ error: { code: verdict.code, message: verdict.reason } }, verdict.status)
    }
    const { signature } = await signCommand(payload, account, hub)
    await record(verdict.command.commandId, verdict.command.kind, verdict.command.account, payload, signature, null, verdict.detail)
    logger.info({ command_id: verdict.command.commandId, kind: verdict.command.kind }, 'Co-signed command')
    return c.json({ commandId: verdict.command.commandId, signer: account.address, signature })
  })

  /** Records an answer; `commandId` is '' for a payload that did not decode. */
  async function record(commandId: string, kind: string, accountAddress: string, payload: Hex, signature: Hex | null, reason: string | null, detail: Record<string, unknown>) {
    await db
      .insert(coSignDecisions)
      .values({ commandId: (commandId === '' ? '' : normalizeHex(commandId, 'cosign_decisions.command_id')) as Hex, kind, account: accountAddress, payload: normalizeHex(payload, 'cosign_decisions.payload'), signature: normalizeOptionalHex(signature, 'cosign_decisions.signature'), reason, detail })
  }

  app.route('/', createApi({ db, config, logger: parameters.logger, now, limits: config.api }))
  return app
}
