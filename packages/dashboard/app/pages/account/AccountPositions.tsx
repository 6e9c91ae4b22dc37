import type { AccountView } from '../../api.js'
import { decimal, usd8 } from '../../format.js'

/** Positions: size, entry and mark price, notional, unrealized P&L and their margin requirements. */
export function AccountPositions({ view }: { view: AccountView }) {
  return (
    <article>
      <header>Positions</header>
      {view.positions.length === 0 ? (
        <p>No positions.</p>
      ) : (
        <table className="striped" data-testid="positions">
          <thead>
            <tr>
              <th>Market</th>
              <th className="num">Size</th>
              <th className="num">Entry</th>
              <th className="num">Mark</th>
              <th className="num">Notional</th>
              <th className="num">Unrealized P&L</th>
              <th className="num">IM</th>
              <th className="num">MM</th>
            </tr>
          </thead>
          <tbody>
            {view.positions.map((p) => (
              <tr key={p.market}>
                <td>{p.market}</td>
                <td className="num">{decimal(p.sizeFormatted)}</td>
                <td className="num">{usd8(p.entryPrice)}</td>
                <td className="num">{usd8(p.markPrice)}</td>
                <td className="num">{usd8(p.notionalUsd8)}</td>
                <td className="num">{usd8(p.unrealizedPnlUsd8)}</td>
                <td className="num">{usd8(p.imUsd8)}</td>
                <td className="num">{usd8(p.mmUsd8)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}
