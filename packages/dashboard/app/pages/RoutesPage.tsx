import { getJson, type RouteView } from '../api.js'
import { Badge } from '../components/Badge.js'
import { duration } from '../format.js'
import { usePolling } from '../usePolling.js'

/** Per destination chain: transport, delivery latency p50/p99 (measured, or the seed before any delivery), traffic. */
export function RoutesPage() {
  const { data, error } = usePolling(() => getJson<{ routes: RouteView[] }>('/v1/routes'), 'routes')
  return (
    <>
      <h2>Routes</h2>
      {error && <p className="error">{error.message}</p>}
      {data && (
        <table className="striped" data-testid="routes-table">
          <thead>
            <tr>
              <th>Destination</th>
              <th>Transport</th>
              <th className="num">p50</th>
              <th className="num">p99</th>
              <th className="num">Samples</th>
              <th className="num">In flight</th>
              <th className="num">Failing</th>
              <th className="num">Dead</th>
              <th>Last executed</th>
              <th>Health</th>
            </tr>
          </thead>
          <tbody>
            {data.routes.map((r) => (
              <tr key={r.chainId}>
                <td>
                  {r.name} ({r.chainId})
                </td>
                <td>{r.transport}</td>
                <td className="num">{duration(r.p50Ms)}</td>
                <td className="num">{duration(r.p99Ms)}</td>
                <td className="num">
                  {r.samples} {r.source === 'seeded' ? `(seeded ${duration(r.seedMs)})` : ''}
                </td>
                <td className="num">{r.inFlight}</td>
                <td className="num">{r.failing}</td>
                <td className="num">{r.dead}</td>
                <td>{r.lastExecutedAt ? new Date(r.lastExecutedAt).toLocaleTimeString() : '—'}</td>
                <td>
                  <Badge tone={r.healthy ? 'ok' : 'bad'}>{r.healthy ? 'healthy' : 'failing'}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
