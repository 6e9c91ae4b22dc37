import { serve } from '@hono/node-server'
import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import { routePath } from 'hono/route'
import pino, { type Logger } from 'pino'
import { Counter, Histogram, Registry } from 'prom-client'
import { registerNodeMetrics } from '../metrics/index.js'
import { createWhatIfPool, type WhatIfPool } from '../whatif/index.js'
import { type ApiErrorBody, errorResponse } from './errors.js'
import { type ApiLimitsParameters, resolveApiLimits } from './limits.js'
import { bodyLimitOf } from './middleware/bodyLimit.js'
import { rateLimitOf } from './middleware/rateLimit.js'
import { accountRoutes } from './routes/accounts.js'
import { commandRoutes } from './routes/commands.js'
import { escapeRoutes } from './routes/escape.js'
import { healthRoutes } from './routes/health.js'
import { positionRoutes } from './routes/positions.js'
import { riskParameterRoutes } from './routes/riskParameters.js'
import { routeRoutes } from './routes/routes.js'
import { statusRoutes } from './routes/status.js'
import { type ParameterSetStore, parameterSetStoreOf } from '../riskParameters/index.js'
import { UnimarginError } from '@unimargin/errors'

export type CreateApiParameters = {
  db: Db
  config: Config
  logger?: Logger
  /** the clock (tests pin it); default `() => new Date()` */
  now?: () => Date
  /** `/ready` fails while an event observed this many seconds ago is unprocessed (default 30) */
  readyLagSeconds?: number
  /**
   * Prometheus registry served at `/metrics`: request metrics, the node's state ({@link registerNodeMetrics}) and
   * process metrics; default a fresh one
   */
  registry?: Registry
  /** body size, rate and what-if limits (defaults in {@link resolveApiLimits}) */
  limits?: ApiLimitsParameters | undefined
  /**
   * the worker pool what-ifs run in; default one built from `limits.whatIf` at the first what-if, whose idle threads
   * do not keep the process alive. Pass one to close it ({@link serveApi} does).
   */
  whatIfPool?: WhatIfPool
  /** the risk parameter sets (`/v1/risk/parameters`, the account view's set); default replayed from stored prices */
  riskParameters?: ParameterSetStore
}

/**
 * Builds the hub's HTTP API (hono): accounts, commands, position reports, health, readiness and metrics. Errors
 * are JSON `{ error: { code, message, issues? } }`; unknown routes are a JSON 404. One client cannot stall the
 * node: bodies over `limits.bodyLimitBytes` are a 413, `/v1` requests and what-ifs are rate-limited per client
 * (429 with `Retry-After`), and what-ifs compute in a bounded worker pool with a timeout (503).
 * @example const app = createApi({ db, config }); const res = await app.request('/v1/accounts/0x…')
 */
export function createApi(parameters: CreateApiParameters): Hono {
  const { db, config, now = () => new Date(), readyLagSeconds = 30 } = parameters
  const logger = (parameters.logger ?? pino({ level: 'silent' })).child({ service: 'api' })
  const registry = parameters.registry ?? new Registry()
  const requests = new Counter({ name: 'unimargin_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new Histogram({
    name: 'unimargin_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  registerNodeMetrics({ registry, db, config, now })

  const limits = resolveApiLimits(parameters.limits)
  let whatIfPool = parameters.whatIfPool
  const poolOf = () => {
    whatIfPool ??= createWhatIfPool({ config, ...limits.whatIf })
    return whatIfPool
  }
  const { whatIfLimit, ...rate } = limits.rateLimit

  const app = new Hono()
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    const route = routePath(c) || 'unmatched'
    requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    duration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000)
  })
  // probes and scrapers are not rate-limited: a client flooding /v1 must not fail the node's liveness check
  app.use('/v1/*', rateLimitOf({ name: 'requests', ...rate }))
  app.use(bodyLimitOf(limits.bodyLimitBytes))
  app.route('/', healthRoutes({ db, config, now, readyLagSeconds }))
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }))
  const whatIfRateLimit = rateLimitOf({ ...rate, name: 'what-ifs', limit: whatIfLimit })
  const riskParameters = parameters.riskParameters ?? parameterSetStoreOf(config)
  app.route('/v1/accounts', escapeRoutes({ db }))
  app.route('/v1/accounts', accountRoutes({ db, config, now, whatIfPool: poolOf, whatIfRateLimit, riskParameters }))
  app.route('/v1/commands', commandRoutes({ db }))
  app.route('/v1/positions', positionRoutes({ db, config, logger, now }))
  app.route('/v1/routes', routeRoutes({ db, config, now }))
  app.route('/v1/status', statusRoutes({ db, config, now }))
  app.route('/v1/risk', riskParameterRoutes({ db, store: riskParameters }))
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } } satisfies ApiErrorBody, 404))
  app.onError((error, c) => errorResponse(error, c, logger))
  return app
}

export type ServeApiParameters = CreateApiParameters & {
  port: number
  hostname?: string
  /** an app built earlier with {@link createApi}; built from the other parameters when absent */
  app?: Hono
}

export type ApiServer = { port: number; close: () => Promise<void> }

/** Thrown by {@link serveApi} when the address is taken or cannot be bound; names the host and port. */
export class ApiListenError extends UnimarginError {
  override name = 'ApiListenError'
}

/**
 * Serves the API over HTTP with @hono/node-server. Unless `app` or `whatIfPool` is given, it builds the what-if pool
 * (one thread started at once) and `close()` terminates it after the server has closed.
 * @returns the bound port (useful with `port: 0`) and `close()`.
 * @throws {ApiListenError} when the port is in use (EADDRINUSE) or may not be bound (EACCES), with the what-if pool
 *   it built already closed
 */
export async function serveApi(parameters: ServeApiParameters): Promise<ApiServer> {
  // one thread started at once: the first what-if does not wait for a thread to load
  const ownPool =
    parameters.app || parameters.whatIfPool
      ? undefined
      : createWhatIfPool({ config: parameters.config, minThreads: 1, ...resolveApiLimits(parameters.limits).whatIf })
  const app = parameters.app ?? createApi({ ...parameters, ...(ownPool ? { whatIfPool: ownPool } : {}) })
  const hostname = parameters.hostname ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: parameters.port, hostname }, (info) => {
      parameters.logger?.info({ port: info.port }, 'Started API server')
      resolve({
        port: info.port,
        close: async () => {
          try {
            await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())))
          } finally {
            await ownPool?.close()
          }
        },
      })
    })
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `Port ${parameters.port} on ${hostname} is in use by another process; stop it or choose another port (--api-port).`
          : `Cannot listen on ${hostname}:${parameters.port}: ${error.message}`
      const failed = new ApiListenError(why, { cause: error })
      void (ownPool?.close() ?? Promise.resolve()).finally(() => reject(failed))
    })
  })
}
