import type { AccountView } from '../../api.js'
import { Badge, toneOf } from '../../components/Badge.js'
import { usd8 } from '../../format.js'

/** The account's liquidations: debt, penalty, what was seized where, shortfall and who covered it. */
export function AccountLiquidations({ view, chainName }: { view: AccountView; chainName: (chainId: number) => string }) {
  if (view.liquidations.length === 0) return null
  return (
    <article>
      <header>Liquidations</header>
      <table className="striped" data-testid="liquidations">
        <thead>
          <tr>
            <th className="num">Lock epoch</th>
            <th>State</th>
            <th className="num">Debt</th>
            <th className="num">Penalty</th>
            <th>Seized</th>
            <th className="num">Shortfall</th>
            <th className="num">Insurance</th>
            <th className="num">Socialized</th>
          </tr>
        </thead>
        <tbody>
          {view.liquidations.map((l) => (
            <tr key={l.id}>
              <td className="num">{l.lockEpoch}</td>
              <td>
                <Badge tone={toneOf(l.state)}>{l.state}</Badge>
              </td>
              <td className="num">{usd8(l.debtUsd8)}</td>
              <td className="num">{usd8(l.penaltyUsd8)}</td>
              <td>{l.seizures.map((s) => `${chainName(s.chainId)} ${usd8(s.valueUsd8)}`).join(', ')}</td>
              <td className="num">{usd8(l.shortfallUsd8)}</td>
              <td className="num">{usd8(l.insuranceCoveredUsd8)}</td>
              <td className="num">{usd8(l.socializedLossUsd8)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  )
}
