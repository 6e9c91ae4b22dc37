import createFetchClient, { type Client } from 'openapi-fetch'
import { UnimarginApiError, UnimarginNetworkError } from './errors.js'
import type { paths } from './generated/api.js'
import type { ApiErrorBody } from './types.js'

export type TransportParameters = {
  /** the hub's base URL, e.g. `http://127.0.0.1:8080` */
  baseUrl: string
  /** a fetch implementation (default the global one), e.g. `app.request` of the hub's hono app in-process */
  fetch?: ((input: Request) => Response | Promise<Response>) | undefined
  /** an operator's API key, sent in `apiKeyHeader` on every request (`GET /v1/accounts` requires one) */
  apiKey?: string | undefined
  /** the header the hub reads API keys from (`api.rateLimit.apiKeyHeader`); default `x-api-key` */
  apiKeyHeader?: string | undefined
  /** headers sent with every request */
  headers?: Record<string, string> | undefined
}

/** The typed HTTP layer every action uses: openapi-fetch over the generated `paths`, and how answers become values. */
export type Transport = {
  api: Client<paths>
  baseUrl: string
  /** the request headers for a raw fetch (the event stream): API key and extra headers */
  headers: Record<string, string>
  fetch: (input: Request) => Promise<Response>
}

export function createTransport(parameters: TransportParameters): Transport {
  const baseUrl = parameters.baseUrl.replace(/\/+$/, '')
  const headers: Record<string, string> = { ...parameters.headers }
  if (parameters.apiKey !== undefined) headers[parameters.apiKeyHeader ?? 'x-api-key'] = parameters.apiKey
  const custom = parameters.fetch
  const doFetch = custom ? async (input: Request) => custom(input) : (input: Request) => globalThis.fetch(input)
  return { api: createFetchClient<paths>({ baseUrl, fetch: doFetch, headers }), baseUrl, headers, fetch: doFetch }
}

type Answer<T> = { data?: T; error?: unknown; response: Response }

/**
 * The body of a 2xx answer to `request` (`route` names it in errors, e.g. `GET /v1/accounts/{address}`); with
 * `accept`, the body of those statuses too.
 * @throws {UnimarginApiError} on any other status
 * @throws {UnimarginNetworkError} when the hub cannot be reached
 */
export async function unwrap<T>(transport: Transport, route: string, request: () => Promise<Answer<T>>, accept: readonly number[] = []): Promise<T> {
  let answer: Answer<T>
  try {
    answer = await request()
  } catch (error) {
    throw new UnimarginNetworkError(`${route} at ${transport.baseUrl}`, error)
  }
  const { data, error, response } = answer
  if (response.ok) return data as T
  if (accept.includes(response.status)) return error as T
  throw new UnimarginApiError(response.status, error as ApiErrorBody | undefined, response.url || `${transport.baseUrl} (${route})`, response.headers)
}
