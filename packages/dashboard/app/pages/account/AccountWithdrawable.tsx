import type { AccountView } from '../../api.js'
import { Badge, toneOf } from '../../components/Badge.js'
import { decimal, duration, shortHex, usd8 } from '../../format.js'

/**
 * Withdrawable per chain and asset, with the buffer that caps it: each chain's amount keeps back its route's buffer
 * (what prices can move while a delivery takes the route's p99 latency); and the account's withdrawals.
 */
export function AccountWithdrawable({ view, chainName }: { view: AccountView; chainName: (chainId: number) => string }) {
  const routeOf = (chainId: number) => view.routes.find((r) => r.chainId === chainId)
  return (
    <article>
      <header>
        Withdrawable per chain, after its route's buffer (largest: <span data-testid="withdrawal-buffer">{usd8(view.withdrawalBufferUsd8)}</span>)
      </header>
      <table className="striped" data-testid="withdrawable">
        <thead>
          <tr>
            <th>Chain</th>
            <th>Asset</th>
            <th className="num">Withdrawable</th>
            <th>Route</th>
            <th className="num">Buffer kept back</th>
            <th>Blocked by</th>
          </tr>
        </thead>
        <tbody>
          {view.withdrawable.map((w) => {
            const route = routeOf(w.chainId)
            return (
              <tr key={`${w.chainId}-${w.asset}`}>
                <td>{chainName(w.chainId)}</td>
                <td>{w.symbol}</td>
                <td className="num">{decimal(w.amountFormatted)}</td>
                <td>{route ? `${route.transport}, p99 ${duration(route.p99Ms)}` : '—'}</td>
                <td className="num">
                  {route ? usd8(route.bufferUsd8) : '—'}
                </td>
                <td>{w.blockedBy ? <Badge tone="bad">{w.blockedBy}</Badge> : '—'}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h4>Withdrawals</h4>
      {view.withdrawals.length === 0 ? (
        <p>No withdrawals.</p>
      ) : (
        <table className="striped" data-testid="withdrawals">
          <thead>
            <tr>
              <th>Chain</th>
              <th className="num">Request</th>
              <th className="num">Amount</th>
              <th>State</th>
              <th>Command</th>
              <th>Reason</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {view.withdrawals.map((w) => (
              <tr key={`${w.chainId}-${w.requestId}`} data-testid={`withdrawal-${w.chainId}-${w.requestId}`}>
                <td>{chainName(w.chainId)}</td>
                <td className="num">{w.requestId}</td>
                <td className="num">{w.amountFormatted === null ? w.amount : decimal(w.amountFormatted)}</td>
                <td>
                  <Badge tone={toneOf(w.state)}>{w.state}</Badge>
                </td>
                <td>
                  {w.commandId ? <code title={w.commandId}>{shortHex(w.commandId)}</code> : '—'}{' '}
                  {w.commandState && <Badge tone={toneOf(w.commandState)}>{w.commandState}</Badge>}
                </td>
                <td>{w.reason ?? ''}</td>
                <td>{new Date(w.updatedAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}
