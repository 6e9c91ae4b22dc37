import { UnimarginApiError } from './errors.js'
import type { AccountView, ApiErrorBody, CommandView, NodeStatusView, PositionReportInput, ReadyView } from './types.js'

export type CreateClientParameters = {
  /** e.g. `http://127.0.0.1:8080` */
  baseUrl: string
  /** a fetch implementation (default the global one); tests pass `app.request` of a hono app */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>
}

export type UnimarginClient = {
  /** The account view. @throws {UnimarginApiError} 400 on a bad address. */
  getAccount: (address: string) => Promise<AccountView>
  /** A command with its transition history. @throws {UnimarginApiError} 404 when unknown. */
  getCommand: (id: string) => Promise<CommandView>
  /**
   * Submits a position report signed with `signPositionReport` over
   * `positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })`.
   * @throws {UnimarginApiError} 400 malformed, a sequence above 2^63−1 or an unknown market; 401 wrong signer or a
   *   domain of another hub; 409 replayed sequence; 422 entry price 0 or outside the market's band around the mark,
   *   or notional above the market's maximum; 503 (retry later, `Retry-After`) no fresh mark price of the underlying yet.
   */
  reportPosition: (report: PositionReportInput, signature: string) => Promise<{ accepted: true; account: string; market: string; sequence: string }>
  /** Whether the hub has a checkpoint on every chain and no late unprocessed event (never throws on 503). */
  ready: () => Promise<ReadyView>
  /** Per chain finality, head, checkpoint, lag, halt and waiting events, and the outbox's depth by state (`GET /v1/status`). */
  status: () => Promise<NodeStatusView>
}

/**
 * Creates a typed client for the hub's HTTP API.
 * @example const client = createClient({ baseUrl: 'http://127.0.0.1:8080' }); const view = await client.getAccount('0x…')
 */
export function createClient(parameters: CreateClientParameters): UnimarginClient {
  const base = parameters.baseUrl.replace(/\/+$/, '')
  const doFetch = parameters.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init))

  async function request<T>(path: string, init?: RequestInit, accept: number[] = []): Promise<T> {
    const url = `${base}${path}`
    const res = await doFetch(url, init)
    const body = (await res.json().catch(() => undefined)) as unknown
    if (!res.ok && !accept.includes(res.status)) throw new UnimarginApiError(res.status, body as ApiErrorBody | undefined, url)
    return body as T
  }

  return {
    getAccount: (address) => request(`/v1/accounts/${encodeURIComponent(address)}`),
    getCommand: (id) => request(`/v1/commands/${encodeURIComponent(id)}`),
    reportPosition: (report, signature) =>
      request('/v1/positions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: report.sequence.toString() },
          signature,
        }),
      }),
    ready: () => request('/ready', undefined, [503]),
    status: () => request('/v1/status'),
  }
}
