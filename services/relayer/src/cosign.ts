import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { type CheckpointEvidence, type CoSignature, encodeCheckpointEvidence, type HubLocation, recoverCommandSigner } from '@unimargin/protocol'
import pLimit from 'p-limit'
import { type Address, getAddress, type Hex, isAddress, isHex } from 'viem'
import { checkpointEvidenceOf } from './checkpointEvidence.js'
import { type CommandRow, coSignaturesOf, storeCoSignatures } from './outbox.js'
import { UnimarginError } from '@unimargin/errors'
import { StepFailedError } from './errors.js'

const gzipAsync = promisify(gzip)

/** One co-signer's refusal (or failure to answer) of one command. */
export type CoSignRefusal = {
  /** the co-signer's URL (or name) */
  coSigner: string
  /** HTTP status of its answer (409 or 422 for a refusal), absent when it did not answer */
  status?: number
  /** its reason code, e.g. `healthy_account`, or `unreachable` */
  code: string
  reason: string
}

/** The co-signers refused or did not answer: the command holds fewer than the threshold of signatures. */
export class CoSignRefusedError extends UnimarginError {
  override name = 'CoSignRefusedError'
  /** a co-signer behind the chains may sign later */
  override readonly retryable = true
  constructor(
    message: string,
    readonly refusals: CoSignRefusal[],
  ) {
    super(message)
  }
}

/** Where a relayer gets co-signatures. */
export interface CoSigners {
  /**
   * Asks the co-signers to sign `command`, except those whose address is in `signed` (lower-case; they already did),
   * sending `evidence` with a Checkpoint.
   * @returns the signatures obtained (each verified to recover to its signer) and every refusal.
   */
  request(command: CommandRow, signed: ReadonlySet<string>, evidence?: CheckpointEvidence): Promise<{ signatures: CoSignature[]; refusals: CoSignRefusal[] }>
}

export type HttpCoSignersParameters = {
  /** base URLs of the co-signer services */
  urls: readonly string[]
  /** the hub the signatures are for (EIP-712 domain) */
  hub: HubLocation
  /** ms to wait for one answer (default 10 000) */
  timeoutMs?: number
  /** the `fetch` to use (default the global one) */
  fetch?: typeof fetch
}

/**
 * Co-signer services over HTTP: `POST <url>/v1/cosign` with `{ payload }`, plus `evidence` (its wire form,
 * `CheckpointEvidenceWire`) for a Checkpoint, the body then gzipped (`Content-Encoding: gzip`: a checkpoint of 10 000
 * accounts on three vaults is about 10 MB of JSON); 200 `{ signer, signature }` is a signature (checked to recover to
 * `signer` over the command's EIP-712 digest), 409/422 `{ error: { code, message } }` a refusal. A co-signer whose
 * address is known (from an earlier answer) and already signed is not asked again.
 */
export function createHttpCoSigners(parameters: HttpCoSignersParameters): CoSigners {
  const { urls, hub, timeoutMs = 10_000 } = parameters
  const doFetch = parameters.fetch ?? fetch
  const signerOf = new Map<string, string>()

  async function ask(url: string, command: CommandRow, request: { json: string } | { gzipped: Uint8Array<ArrayBuffer> }): Promise<CoSignature | CoSignRefusal> {
    const endpoint = `${url.replace(/\/+$/, '')}/v1/cosign`
    let response: Response
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: 'gzipped' in request ? { 'content-type': 'application/json', 'content-encoding': 'gzip' } : { 'content-type': 'application/json' },
        body: 'gzipped' in request ? request.gzipped : request.json,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      return { coSigner: url, code: 'unreachable', reason: `no answer from ${endpoint}: ${(error as Error).message}` }
    }
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined
    if (response.status !== 200) {
      const error = (body?.error ?? {}) as { code?: unknown; message?: unknown }
      return {
        coSigner: url,
        status: response.status,
        code: typeof error.code === 'string' ? error.code : `http_${response.status}`,
        reason: typeof error.message === 'string' ? error.message : `HTTP ${response.status}`,
      }
    }
    const signer = body?.signer
    const signature = body?.signature
    if (typeof signer !== 'string' || !isAddress(signer) || typeof signature !== 'string' || !isHex(signature))
      return { coSigner: url, status: 200, code: 'malformed_answer', reason: 'the answer carries no signer address and signature' }
    const recovered = await recoverCommandSigner(command.payload as Hex, signature, hub).catch(() => undefined)
    if (!recovered || recovered.toLowerCase() !== signer.toLowerCase())
      return { coSigner: url, status: 200, code: 'bad_signature', reason: `the signature does not recover to ${signer}` }
    signerOf.set(url, signer.toLowerCase())
    return { signer: getAddress(signer) as Address, signature }
  }

  return {
    async request(command, signed, evidence) {
      const asked = urls.filter((u) => !signed.has(signerOf.get(u) ?? ''))
      if (asked.length === 0) return { signatures: [], refusals: [] }
      const json = JSON.stringify(evidence ? { payload: command.payload, evidence: encodeCheckpointEvidence(evidence) } : { payload: command.payload })
      const body = evidence ? { gzipped: new Uint8Array(await gzipAsync(json)) } : { json }
      const answers = await Promise.all(asked.map((u) => ask(u, command, body)))
      return {
        signatures: answers.filter((a): a is CoSignature => 'signature' in a),
        refusals: answers.filter((a): a is CoSignRefusal => 'code' in a),
      }
    },
  }
}

/**
 * The configured co-signers of `config` (`coSigners.urls`, `coSigners.timeoutMs`).
 * @throws Error when the config has no `coSigners` section.
 */
export function coSignersFromConfig(config: Config): CoSigners {
  if (!config.coSigners) throw new StepFailedError('No coSigners configured: MarginHub publishes nothing without co-signatures.')
  return createHttpCoSigners({ urls: config.coSigners.urls, timeoutMs: config.coSigners.timeoutMs, hub: { chainId: config.hub.chainId, hub: config.hub.address } })
}

/**
 * Before publishing: makes sure each command holds `threshold` signatures (MarginHub's), asking the co-signers for
 * the missing ones, with a Checkpoint's evidence from the hub's database ({@link checkpointEvidenceOf}), and storing
 * what they give (through the outbox module).
 * @returns per command, in order: undefined when it holds enough, or a {@link CoSignRefusedError} with every refusal.
 */
export async function gatherCoSignatures(
  db: Db,
  config: Config,
  coSigners: CoSigners,
  list: readonly CommandRow[],
  threshold: number,
  concurrency = 16,
): Promise<(CoSignRefusedError | undefined)[]> {
  const held = await coSignaturesOf(
    db,
    list.map((c) => c.id),
  )
  const limit = pLimit(concurrency)
  return Promise.all(
    list.map((command) =>
      limit(async () => {
        const have = held.get(command.id) ?? []
        if (have.length >= threshold) return undefined
        const evidence = await checkpointEvidenceOf(db, config, command)
        const { signatures, refusals } = await coSigners.request(command, new Set(have.map((s) => s.signer.toLowerCase())), evidence)
        await storeCoSignatures(db, command.id, signatures)
        const count = new Set([...have, ...signatures].map((s) => s.signer.toLowerCase())).size
        if (count >= threshold) return undefined
        const reasons = refusals.map((r) => `${r.coSigner}: ${r.code}: ${r.reason}`).join('; ')
        return new CoSignRefusedError(`${count} of ${threshold} co-signatures; refused: ${reasons || 'none asked'}`, refusals)
      }),
    ),
  )
}
