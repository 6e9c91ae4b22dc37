import type { NodeStatusView, ReadyView } from '@unimargin/client'
import type { Command } from 'commander'
import type { RouteStatusView } from '../../operator/status.js'

/** `unimargin status`: a running node's readiness, leases, chains, outbox and routes, from its API. */
export function addStatusCommand(program: Command): Command {
  return program
    .command('status')
    .description(
      "Print a running node's readiness (halted chains, stale heads, chains without a checkpoint, late events), which node holds each lease when nodes share a PostgreSQL, then per chain its finality, head, checkpoint and lag, the outbox by state and the routes' latency and traffic. Exits 1 when not ready.",
    )
    .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
    .option('--json', 'print { ready, status, routes } as JSON')
    .action(async (options: { api: string; json?: boolean }) => {
      const { formatLeases, formatReadiness, formatStatus } = await import('../../operator/status.js')
      const { fetchNode } = await import('../../operator/nodeApi.js')
      const res = await fetchNode(options.api, '/ready')
      const ready = (await res.json()) as ReadyView
      const status = (await (await fetchNode(options.api, '/v1/status')).json()) as NodeStatusView
      const { routes } = (await (await fetchNode(options.api, '/v1/routes')).json()) as { routes: RouteStatusView[] }
      console.log(
        options.json ? JSON.stringify({ ready, status, routes }, null, 2) : [...formatReadiness(ready), ...formatLeases(ready), ...formatStatus(status, routes)].join('\n'),
      )
      if (!res.ok) process.exitCode = 1
    })
}
