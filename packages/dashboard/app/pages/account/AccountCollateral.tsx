import type { AccountView } from '../../api.js'
import { Badge } from '../../components/Badge.js'
import { decimal, usd8 } from '../../format.js'

/** Collateral per chain and asset: amount, price, haircut, value and weighted value; totals per chain. */
export function AccountCollateral({ view, chainName }: { view: AccountView; chainName: (chainId: number) => string }) {
  return (
    <article>
      <header>Collateral per chain and asset</header>
      <table className="striped" data-testid="collateral">
        <thead>
          <tr>
            <th>Chain</th>
            <th>Asset</th>
            <th className="num">Amount</th>
            <th className="num">Price</th>
            <th className="num">Haircut</th>
            <th className="num">Value</th>
            <th className="num">Weighted</th>
          </tr>
        </thead>
        <tbody>
          {view.collateral.map((c) => (
            <tr key={`${c.chainId}-${c.asset}`}>
              <td>{chainName(c.chainId)}</td>
              <td>
                {c.symbol}
                {c.riskCancelling && <small> (risk-cancelling)</small>}
              </td>
              <td className="num">{decimal(c.amountFormatted)}</td>
              <td className="num">
                {c.priceUsd8 === null ? '—' : usd8(c.priceUsd8)} {c.priceStale && <Badge tone="bad">stale</Badge>}
              </td>
              <td className="num">{(c.haircutBps / 100).toFixed(2)}%</td>
              <td className="num">{usd8(c.valueUsd8)}</td>
              <td className="num">{usd8(c.weightedUsd8)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {view.collateralByChain.map((c) => (
            <tr key={c.chainId}>
              <th colSpan={5}>{chainName(c.chainId)} total</th>
              <td className="num">{usd8(c.valueUsd8)}</td>
              <td className="num">{usd8(c.weightedUsd8)}</td>
            </tr>
          ))}
        </tfoot>
      </table>
      {view.collateral.length === 0 && <p>No collateral.</p>}
    </article>
  )
}
