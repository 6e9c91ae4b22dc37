import { UnimarginApiError } from '@unimargin/client'
import type { ApiErrorBody } from '@unimargin/client'

export type { AccountView, ChainStatusView, CommandView, NodeStatusView } from '@unimargin/client'

/** `GET /v1/accounts`: one account of the operators' list (usd8 strings, health with 4 decimals or null). */
export type AccountSummary = {
  address: string
  equityUsd8: string
  equityUsd: string
  imUsd8: string
  mmUsd8: string
  health: string | null
  healthBps: string | null
  lockState: string
}

/** `GET /v1/routes`: one destination chain's route, latencies in ms. */
export type RouteView = {
  chainId: number
  name: string
  transport: 'wormhole' | 'layerzero'
  p50Ms: number
  p99Ms: number
  samples: number
  source: 'measured' | 'seeded'
  seedMs: number
  inFlight: number
  failing: number
  dead: number
  lastExecutedAt: string | null
  healthy: boolean
}

/** `GET /v1/commands`: one command of the outbox, without its transitions. */
export type CommandSummary = {
  id: string
  kind: string
  account: string
  destChainId: number
  cause: string
  state: string
  outcome: string | null
  attempts: number
  lastError: string | null
  createdAt: string
  updatedAt: string
}

export type Page<T> = { items: T[]; nextCursor: string | null }

/** The header the operators' routes read the API key from (the node's default `api.rateLimit.apiKeyHeader`). */
export const API_KEY_HEADER = 'x-api-key'

/**
 * GETs `path` from the node that served the page and parses its JSON.
 * @throws {UnimarginApiError} on any non-2xx answer, with the API's error code and message
 */
export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  const body = (await res.json().catch(() => undefined)) as unknown
  if (!res.ok) throw new UnimarginApiError(res.status, body as ApiErrorBody | undefined, path)
  return body as T
}
