import { getJson, type NodeStatusView } from './api.js'
import { usePolling } from './usePolling.js'

/** Chain names by chain id, from `GET /v1/status` (read once a minute); a chain not configured shows its id. */
export function useChainNames(): (chainId: number) => string {
  const { data } = usePolling(() => getJson<NodeStatusView>('/v1/status'), 'status', 60_000)
  return (chainId) => data?.chains.find((c) => c.chainId === chainId)?.name ?? String(chainId)
}
