import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import { readReadiness } from '../readiness.js'

/**
 * `GET /health`: 200 while the process serves requests. `GET /ready`: 200 when the hub is ready, else 503, with a
 * `ReadyView` body (`@unimargin/client`) naming what is not: chains without a watcher checkpoint, halted
 * chains (reason, block), chains whose head is stale, and the count of events unprocessed for `readyLagSeconds`.
 */
export function healthRoutes(deps: { db: Db; config: Config; now: () => Date; readyLagSeconds: number }) {
  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      const view = await readReadiness(deps.db, deps.config, deps.now(), deps.readyLagSeconds)
      return c.json(view, view.ready ? 200 : 503)
    })
}
