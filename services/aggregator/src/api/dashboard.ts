import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type MiddlewareHandler } from 'hono'
import { errorBody } from './errors.js'

/**
 * `GET /ui/*`: the dashboard's built files (`@unimargin/dashboard`, `pnpm build`) from `dir`, `index.html` at `/ui/`
 * (`/ui` redirects there). JSON errors instead of pages when it cannot be served:
 * - 404 `dashboard_not_configured` when the node was started without a dashboard (`dir` undefined);
 * - 503 `dashboard_not_built` while `dir` holds no `index.html` (checked per request: a build later is picked up);
 * - 404 `not_found` for a file the build does not have.
 */
export function dashboardRoutes(dir: string | undefined) {
  let files: MiddlewareHandler | undefined
  const app = new Hono()
  app.get('/ui', (c) => c.redirect('/ui/', 301))
  app.on(['GET', 'HEAD'], '/ui/*', async (c, next) => {
    if (dir === undefined) return c.json(errorBody(c, 'dashboard_not_configured', 'This node serves no dashboard.'), 404)
    if (!existsSync(join(dir, 'index.html')))
      return c.json(
        errorBody(c, 'dashboard_not_built', `The dashboard is not built: ${dir} holds no index.html. Run \`pnpm build\` (or \`pnpm --filter @unimargin/dashboard build\`).`),
        503,
      )
    files ??= serveStatic({ root: dir, rewriteRequestPath: (path) => path.slice('/ui'.length) })
    return files(c, next)
  })
  return app
}
