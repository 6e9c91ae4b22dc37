import { getJson, type NodeStatusView } from '../api.js'
import { Badge } from '../components/Badge.js'
import { usePolling } from '../usePolling.js'

/** Per chain the watcher's sync state (`GET /v1/status`): head, checkpoint, lag, head age, halt; the outbox by state. */
export function ChainsPage() {
  const { data, error } = usePolling(() => getJson<NodeStatusView>('/v1/status'), 'status')
  return (
    <>
      <h2>Chains</h2>
      {error && <p className="error">{error.message}</p>}
      {data && (
        <>
          <table className="striped" data-testid="chains-table">
            <thead>
              <tr>
                <th>Chain</th>
                <th>Finality</th>
                <th className="num">Head</th>
                <th className="num">Checkpoint</th>
                <th className="num">Lag (blocks)</th>
                <th className="num">Head age</th>
                <th className="num">Unprocessed events</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {data.chains.map((c) => (
                <tr key={c.chainId}>
                  <td>
                    {c.name} ({c.chainId})
                  </td>
                  <td>
                    {c.finality}
                    {c.confirmations ? ` (${c.confirmations} conf.)` : ''}
                  </td>
                  <td className="num">{c.headBlock ?? '—'}</td>
                  <td className="num">{c.checkpointBlock ?? '—'}</td>
                  <td className="num">{c.lagBlocks ?? '—'}</td>
                  <td className="num">{c.headAgeSeconds === null ? '—' : `${c.headAgeSeconds} s`}</td>
                  <td className="num">{c.unprocessedEvents}</td>
                  <td>
                    {c.halted ? (
                      <Badge tone="bad">
                        halted: {c.halted.reason}
                        {c.halted.since ? ` since ${new Date(c.halted.since).toLocaleString()}` : ''}
                      </Badge>
                    ) : (
                      <Badge tone="ok">syncing</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Outbox</h3>
          <table>
            <thead>
              <tr>
                {Object.keys(data.outbox).map((state) => (
                  <th key={state} className="num">
                    {state}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {Object.entries(data.outbox).map(([state, n]) => (
                  <td key={state} className="num">
                    {n}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
