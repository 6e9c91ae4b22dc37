import { Link, Route, Router, Switch } from 'wouter'
import { useHashLocation } from 'wouter/use-hash-location'
import { AccountPage } from './pages/AccountPage.js'
import { AccountsPage } from './pages/AccountsPage.js'
import { ChainsPage } from './pages/ChainsPage.js'
import { RoutesPage } from './pages/RoutesPage.js'

const active = (isActive: boolean) => (isActive ? 'active' : '')

/** The dashboard: pages addressed by the URL's hash (`/ui/#/accounts/0x…`), so the server serves one index.html. */
export function App() {
  return (
    <Router hook={useHashLocation}>
      <header className="container-fluid">
        <nav>
          <ul>
            <li className="brand">Unimargin</li>
          </ul>
          <ul>
            <li>
              <Link href="/" className={active}>
                Accounts
              </Link>
            </li>
            <li>
              <Link href="/routes" className={active}>
                Routes
              </Link>
            </li>
            <li>
              <Link href="/chains" className={active}>
                Chains
              </Link>
            </li>
            <li>
              <a href="/docs">API</a>
            </li>
          </ul>
        </nav>
      </header>
      <main className="container-fluid">
        <Switch>
          <Route path="/" component={AccountsPage} />
          <Route path="/accounts/:address">{(params) => <AccountPage address={params.address} />}</Route>
          <Route path="/routes" component={RoutesPage} />
          <Route path="/chains" component={ChainsPage} />
          <Route>
            <p>No such page.</p>
          </Route>
        </Switch>
      </main>
    </Router>
  )
}
