import { useRef } from 'react'
import { type AccountView, type CommandSummary, type CommandView, getJson, type Page } from '../../api.js'
import { Badge, toneOf } from '../../components/Badge.js'
import { shortHex } from '../../format.js'
import { usePolling } from '../../usePolling.js'

/** States of a command still on its way to the vault. */
const IN_FLIGHT = new Set(['pending', 'published', 'attested', 'delivered'])
/** How many of the account's latest commands the page shows with their transitions. */
const SHOWN = 12

type Trail = { id: string; updatedAt: string; transitions: CommandView['transitions'] }

/**
 * The account's latest commands (`GET /v1/commands?account=`), those in flight first, each with its state, outcome,
 * attempts and the states it went through (`GET /v1/commands/{id}`, read again only when the command changed).
 */
export function AccountCommands({ view, chainName }: { view: AccountView; chainName: (chainId: number) => string }) {
  const trails = useRef(new Map<string, Trail>())
  const { data, error } = usePolling(async () => {
    const page = await getJson<Page<CommandSummary>>(`/v1/commands?account=${view.address}&limit=${SHOWN}`)
    await Promise.all(
      page.items.map(async (c) => {
        if (trails.current.get(c.id)?.updatedAt === c.updatedAt) return
        const full = await getJson<CommandView>(`/v1/commands/${c.id}`)
        trails.current.set(c.id, { id: c.id, updatedAt: full.updatedAt, transitions: full.transitions })
      }),
    )
    return page.items
  }, view.address)
  const commands = [...(data ?? [])].sort((a, b) => Number(IN_FLIGHT.has(b.state)) - Number(IN_FLIGHT.has(a.state)))
  const inFlight = commands.filter((c) => IN_FLIGHT.has(c.state)).length
  return (
    <article>
      <header>
        Commands ({inFlight} in flight{commands.length ? `, latest ${commands.length}` : ''})
      </header>
      {error && <p className="error">{error.message}</p>}
      {commands.length === 0 ? (
        <p>No commands.</p>
      ) : (
        <table className="striped" data-testid="commands">
          <thead>
            <tr>
              <th>Command</th>
              <th>Kind</th>
              <th>To</th>
              <th>State</th>
              <th>States so far</th>
              <th className="num">Attempts</th>
              <th>Outcome / last error</th>
            </tr>
          </thead>
          <tbody>
            {commands.map((c) => (
              <tr key={c.id} data-testid={`command-${c.id}`}>
                <td>
                  <code title={c.id}>{shortHex(c.id)}</code>
                </td>
                <td>{c.kind}</td>
                <td>{chainName(c.destChainId)}</td>
                <td>
                  <Badge tone={toneOf(c.state)} testId="command-state">
                    {c.state}
                  </Badge>
                </td>
                <td data-testid="command-trail">
                  {trails.current
                    .get(c.id)
                    ?.transitions.map((t) => t.to)
                    .join(' → ')}
                </td>
                <td className="num">{c.attempts}</td>
                <td>{c.outcome ?? c.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}
