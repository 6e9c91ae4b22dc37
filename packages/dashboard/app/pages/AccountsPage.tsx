import { UnimarginApiError } from '@unimargin/client'
import { useState } from 'react'
import { Link, useLocation } from 'wouter'
import { type AccountSummary, API_KEY_HEADER, getJson, type Page } from '../api.js'
import { Badge, toneOf } from '../components/Badge.js'
import { health, usd8 } from '../format.js'
import { useApiKey } from '../useApiKey.js'
import { usePolling } from '../usePolling.js'

type Sort = 'health' | 'address'

/**
 * Every account with its equity, margins, health and lock (`GET /v1/accounts?sort=`, operators: the API key is asked
 * for once and kept in localStorage), least healthy first or by address, either way reversible; and a field to open
 * one account by address (no key needed).
 */
export function AccountsPage() {
  const [apiKey, setApiKey] = useApiKey()
  const [sort, setSort] = useState<Sort>('health')
  const [reversed, setReversed] = useState(false)
  const [, navigate] = useLocation()
  const list = usePolling(
    () => (apiKey ? getJson<Page<AccountSummary>>(`/v1/accounts?sort=${sort}&limit=200`, { headers: { [API_KEY_HEADER]: apiKey } }) : Promise.resolve(undefined)),
    `${apiKey}/${sort}`,
  )
  const rows = list.data?.items ?? []
  const shown = reversed ? [...rows].reverse() : rows
  const sortBy = (next: Sort) => {
    if (next === sort) setReversed(!reversed)
    else {
      setSort(next)
      setReversed(false)
    }
  }
  const arrow = (s: Sort) => (s === sort ? (reversed ? ' ▼' : ' ▲') : '')

  return (
    <>
      <h2>Accounts</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const address = new FormData(e.currentTarget).get('address')
          if (typeof address === 'string' && address) navigate(`/accounts/${address.trim()}`)
        }}
      >
        <fieldset className="inline">
          <input name="address" placeholder="Open an account: 0x…" aria-label="account address" />
          <button type="submit">Open</button>
        </fieldset>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const key = new FormData(e.currentTarget).get('apiKey')
          setApiKey(typeof key === 'string' ? key.trim() : '')
        }}
      >
        <fieldset className="inline">
          <input name="apiKey" type="password" placeholder="Operator API key (kept in this browser)" defaultValue={apiKey} aria-label="API key" />
          <button type="submit">{apiKey ? 'Change key' : 'Use key'}</button>
        </fieldset>
      </form>
      {!apiKey && <p>The account list is for operators: enter an API key the node is configured with (api.rateLimit.apiKeys).</p>}
      {list.error && (
        <p className="error" data-testid="accounts-error">
          {list.error instanceof UnimarginApiError && list.error.status === 401 ? `The node refused the key: ${list.error.message}` : list.error.message}
        </p>
      )}
      {apiKey && list.data && (
        <table className="striped" data-testid="accounts-table">
          <thead>
            <tr>
              <th>
                <button type="button" className="sort" onClick={() => sortBy('address')}>
                  Account{arrow('address')}
                </button>
              </th>
              <th className="num">Equity</th>
              <th className="num">IM</th>
              <th className="num">MM</th>
              <th className="num">
                <button type="button" className="sort" onClick={() => sortBy('health')}>
                  Health{arrow('health')}
                </button>
              </th>
              <th>Lock</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.address}>
                <td>
                  <Link href={`/accounts/${a.address}`}>
                    <code className="address">{a.address}</code>
                  </Link>
                </td>
                <td className="num">{usd8(a.equityUsd8)}</td>
                <td className="num">{usd8(a.imUsd8)}</td>
                <td className="num">{usd8(a.mmUsd8)}</td>
                <td className="num">{health(a.health)}</td>
                <td>
                  <Badge tone={toneOf(a.lockState)}>{a.lockState}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.nextCursor && <p>Showing the first {rows.length} accounts.</p>}
    </>
  )
}
