import type { AccountView } from '../api.js'
import { Badge, toneOf } from '../components/Badge.js'
import { HealthGauge } from '../components/HealthGauge.js'
import { ScenarioChart } from '../components/ScenarioChart.js'
import { health, usd8 } from '../format.js'
import { useAccountStream } from '../useAccountStream.js'
import { useChainNames } from '../useChainNames.js'
import { AccountCollateral } from './account/AccountCollateral.js'
import { AccountCommands } from './account/AccountCommands.js'
import { AccountLiquidations } from './account/AccountLiquidations.js'
import { AccountPositions } from './account/AccountPositions.js'
import { AccountWithdrawable } from './account/AccountWithdrawable.js'

/**
 * One account, live (`GET /v1/accounts/{address}/stream`, polling without it): health gauge and lock, margin, collateral
 * per chain and asset, positions, the scenario P&L with the worst scenario marked, liquidation prices, withdrawable
 * per chain with the buffer that caps it, withdrawals, the account's commands and liquidations.
 */
export function AccountPage({ address }: { address: string }) {
  const { data: view, error, feed } = useAccountStream(address)
  const chainName = useChainNames()
  return (
    <>
      <h2>
        Account <code className="address">{address}</code>
      </h2>
      <p>
        <Badge tone={feed === 'stream' ? 'ok' : 'muted'} testId="feed">
          {feed === 'stream' ? 'live stream' : feed === 'polling' ? 'polling every 2 s' : 'connecting…'}
        </Badge>
      </p>
      {error && <p className="error">{error.message}</p>}
      {view && <AccountBody view={view} chainName={chainName} />}
    </>
  )
}

function AccountBody({ view, chainName }: { view: AccountView; chainName: (chainId: number) => string }) {
  const latest = view.liquidations[0]
  return (
    <>
      <div className="grid-2">
        <article>
          <header>Health</header>
          <HealthGauge healthValue={view.health} healthBps={view.healthBps} />
          <p>
            Lock:{' '}
            <Badge tone={toneOf(view.lock.state)} testId="lock-state">
              {view.lock.state}
            </Badge>{' '}
            (epoch {view.lock.epoch}
            {view.lock.lockedChains.length ? `, locked on ${view.lock.lockedChains.map(chainName).join(', ')}` : ''})
            {latest && (
              <>
                {' '}
                · latest liquidation:{' '}
                <Badge tone={toneOf(latest.state)} testId="liquidation-state">
                  {latest.state === 'settled' ? 'liquidated' : latest.state}
                </Badge>
              </>
            )}
          </p>
        </article>
        <article>
          <header>Margin ({view.marginMode})</header>
          <table>
            <tbody>
              <Row label="Equity" value={usd8(view.equityUsd8)} testId="equity" />
              <Row label="Collateral (unweighted)" value={usd8(view.collateralUsd8)} />
              <Row label="Unrealized P&L" value={usd8(view.unrealizedPnlUsd8)} />
              <Row label="Initial margin" value={usd8(view.imUsd8)} />
              <Row label="Maintenance margin" value={usd8(view.mmUsd8)} />
              <Row label="Free collateral" value={usd8(view.freeCollateralUsd8)} />
              <Row label="Health (equity / MM)" value={health(view.health)} />
            </tbody>
          </table>
        </article>
      </div>
      <AccountCollateral view={view} chainName={chainName} />
      <AccountPositions view={view} />
      {view.risk && (
        <div className="grid-2">
          <article>
            <header>Scenario P&L</header>
            <ScenarioChart scenarios={view.risk.scenarios} worst={view.risk.worstScenario} />
          </article>
          <article>
            <header>Liquidation prices</header>
            <table data-testid="liquidation-prices">
              <thead>
                <tr>
                  <th>Underlying</th>
                  <th className="num">Spot</th>
                  <th className="num">Liquidated below</th>
                  <th className="num">Liquidated above</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {view.risk.liquidationPrices.map((p) => (
                  <tr key={p.underlying}>
                    <td>{p.underlying}</td>
                    <td className="num">{usd8(p.spotUsd8)}</td>
                    <td className="num">{p.belowUsd8 === null ? '—' : usd8(p.belowUsd8)}</td>
                    <td className="num">{p.aboveUsd8 === null ? '—' : usd8(p.aboveUsd8)}</td>
                    <td>{p.liquidatableNow && <Badge tone="bad">liquidatable now</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        </div>
      )}
      <AccountWithdrawable view={view} chainName={chainName} />
      <AccountCommands view={view} chainName={chainName} />
      <AccountLiquidations view={view} chainName={chainName} />
    </>
  )
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num" data-testid={testId}>
        {value}
      </td>
    </tr>
  )
}
