import { serve } from '@hono/node-server'
import { createNodeWebSocket, type NodeWebSocket } from '@hono/node-ws'
import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import pino, { type Logger } from 'pino'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { recentlyUpdatedAccounts } from '../ledger/index.js'
import { registerNodeMetrics } from '../metrics/index.js'
import { createWhatIfPool, type WhatIfPool } from '../whatif/index.js'
import { dashboardRoutes } from './dashboard.js'
import { errorBody, errorResponse } from './errors.js'
import { type ApiLimitsParameters, resolveApiLimits } from './limits.js'
import { bodyLimitOf } from './middleware/bodyLimit.js'
import { accessLogOf } from './middleware/accessLog.js'
import { corsOf } from './middleware/cors.js'
import { clientAddressOf, rateLimitOf } from './middleware/rateLimit.js'
import { requireApiKey } from './middleware/requireApiKey.js'
import { openApiRouter } from './openapi.js'
import { accountViewLoader, createLiveAccounts, type LiveAccounts, type ServedAccountView } from './live/index.js'
import { accountHistoryRoutes } from './routes/accountHistory.js'
import { accountStreamRoutes } from './routes/accountStream.js'
import { accountIndexRoutes } from './routes/accountIndex.js'
import { discoveryRoutes } from './routes/discovery.js'
import { accountRoutes } from './routes/accounts.js'
import { commandRoutes } from './routes/commands.js'
import { escapeRoutes } from './routes/escape.js'
import { healthRoutes } from './routes/health.js'
import { positionRoutes } from './routes/positions.js'
import { riskParameterRoutes } from './routes/riskParameters.js'
import { routeRoutes } from './routes/routes.js'
import { statusRoutes } from './routes/status.js'
import { streamRoutes } from './routes/stream.js'
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
  /**
   * origins a browser app may call the API from (CORS), e.g. `https://app.example.org`; `*` allows any. Default none:
   * no CORS headers, and a preflight from any origin is refused with 403.
   */
  corsOrigins?: readonly string[] | undefined
  /**
   * the dashboard's built files (`dashboardDir` of `@unimargin/dashboard`), served under `/ui`; default none: `/ui`
   * answers a JSON 404 (`dashboard_not_configured`), and a folder not yet built a JSON 503 (`dashboard_not_built`)
   */
  dashboardDir?: string | undefined
  /** live account views: cache and streams (defaults in {@link LiveApiParameters}) */
  live?: LiveApiParameters | undefined
}

export type LiveApiParameters = {
  /** least ms between two recomputations of one streamed account; changes within it are folded (default 250) */
  coalesceMs?: number | undefined
  /**
   * ms after which a cached account view is recomputed in the background, served meanwhile (default 5000): the view
   * also shows valuation blocks, route latencies and what vaults can pay, which move without a notification of the account
   */
  viewMaxAgeMs?: number | undefined
  /** account views kept in memory (default 100000) */
  maxViews?: number | undefined
  /**
   * background recomputations of aged account views started per second at most (default 50); beyond it aged views
   * are served as they are (their `Age` header says how old)
   */
  viewRefreshPerSecond?: number | undefined
  /** ms past which a cached account view is computed again before it is served, whatever the budget (default 600000) */
  viewMaxStaleMs?: number | undefined
  /**
   * accounts whose views are computed once listening starts and again after each price change, the most recently
   * updated first (default 10000; 0 for none)
   */
  warmViews?: number | undefined
  /** ms between heartbeat comments of an account event stream (default 15000) */
  heartbeatMs?: number | undefined
  /** accounts one WebSocket may follow at once (default 100) */
  maxSubscriptionsPerSocket?: number | undefined
}

/** What {@link serveApi} must wire into and close with the server of an app {@link createApi} built. */
type AppRuntime = { webSocket: NodeWebSocket; live: LiveAccounts<ServedAccountView> }
const runtimes = new WeakMap<object, AppRuntime>()

/**
 * Builds the hub's HTTP API (hono with `@hono/zod-openapi`: each route's request and response schemas are written once,
 * validate requests and make the OpenAPI 3.1 document at `/openapi.json`, browsable at `/docs`): accounts, their
 * withdrawals and liquidations, commands, position reports, discovery (chains, assets, markets, prices), the operators'
 * account list, health, readiness and metrics; the dashboard under `/ui` (`dashboardDir`). Errors are JSON `{ error: { code, message, issues?, requestId } }`;
 * unknown routes are a JSON 404. Every answer carries `X-Request-Id` (the client's, when it sends a valid one), which
 * the access log (`logger`, one line per request) and error bodies repeat. Browsers may call it from
 * `corsOrigins`. One client cannot stall the node: bodies over `limits.bodyLimitBytes` are a 413, `/v1` requests and
 * what-ifs are rate-limited per client IP or API key (429 with `Retry-After`), and what-ifs compute in a bounded worker
 * pool with a timeout (503). Account views are cached with an `ETag` (304 on `If-None-Match`) and streamed live
 * (`/v1/accounts/{address}/stream` as Server-Sent Events, `/v1/stream` as a WebSocket when served by {@link serveApi}),
 * both kept current by the database's change notifications (LISTEN, from the first account asked for).
 * @example const app = createApi({ db, config }); const res = await app.request('/v1/accounts/0x…')
 */
export function createApi(parameters: CreateApiParameters): OpenAPIHono {
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

  const app = openApiRouter()
  const riskParameters = parameters.riskParameters ?? parameterSetStoreOf(config)
  const views = new Counter({ name: 'unimargin_account_view_computations_total', help: 'Account views computed (cache misses and stream refreshes)', registers: [registry] })
  const liveOptions = parameters.live ?? {}
  const loader = accountViewLoader({ db, config, now, riskParameters })
  const warmViews = liveOptions.warmViews ?? 10_000
  const live = createLiveAccounts({
    db,
    logger,
    load: loader.load,
    onChange: loader.changed,
    coalesceMs: liveOptions.coalesceMs,
    viewMaxAgeMs: liveOptions.viewMaxAgeMs,
    maxViews: liveOptions.maxViews,
    viewRefreshPerSecond: liveOptions.viewRefreshPerSecond,
    viewMaxStaleMs: liveOptions.viewMaxStaleMs,
    ...(warmViews > 0 ? { warmAccounts: () => recentlyUpdatedAccounts(db, Math.min(warmViews, liveOptions.maxViews ?? warmViews)) } : {}),
    onLoad: () => views.inc(),
    nowMs: () => now().getTime(),
  })
  const webSocket = createNodeWebSocket({ app })
  new Gauge({
    name: 'unimargin_account_views_cached',
    help: 'Account views held in memory, answered without a database read',
    registers: [registry],
    collect() {
      this.set(live.cachedViews)
    },
  })
  runtimes.set(app, { webSocket, live })
  app.use(requestId())
  app.use(accessLogOf(logger, clientAddressOf))
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    const route = routePath(c) || 'unmatched'
    requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    duration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000)
  })
  // before the rate limit: a preflight is answered here and not counted
  app.use(corsOf({ origins: parameters.corsOrigins ?? [], apiKeyHeader: rate.apiKeyHeader }))
  // probes and scrapers are not rate-limited: a client flooding /v1 must not fail the node's liveness check
  app.use('/v1/*', rateLimitOf({ name: 'requests', ...rate }))
  app.use(bodyLimitOf(limits.bodyLimitBytes))
  app.route('/', healthRoutes({ db, config, now, readyLagSeconds }))
  app.openapi(metricsRoute, async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }))
  const whatIfRateLimit = rateLimitOf({ ...rate, name: 'what-ifs', limit: whatIfLimit })
  app.route('/v1/accounts', accountIndexRoutes({ db, config, now, requireApiKey: requireApiKey(rate.apiKeyHeader, rate.apiKeys) }))
  app.route('/v1/accounts', escapeRoutes({ db }))
  app.route('/v1/accounts', accountHistoryRoutes({ db, config }))
  app.route('/v1/accounts', accountRoutes({ db, config, now, live, whatIfPool: poolOf, whatIfRateLimit }))
  app.route('/v1/accounts', accountStreamRoutes({ live, logger, heartbeatMs: liveOptions.heartbeatMs }))
  app.route('/v1/stream', streamRoutes({ live, upgradeWebSocket: webSocket.upgradeWebSocket, logger, maxSubscriptions: liveOptions.maxSubscriptionsPerSocket }))
  app.route('/v1/commands', commandRoutes({ db }))
  app.route('/v1/positions', positionRoutes({ db, config, logger, now }))
  app.route('/v1/routes', routeRoutes({ db, config, now }))
  app.route('/v1/status', statusRoutes({ db, config, now }))
  app.route('/v1/risk', riskParameterRoutes({ db, store: riskParameters }))
  app.route('/v1', discoveryRoutes({ db, config, now }))
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: rate.apiKeyHeader })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Unimargin hub API',
      version: '1',
      description:
        'One margin account across many EVM chains. Integers that may exceed 2^53 (token base units, usd8, 1e18 sizes) are decimal strings; `...Usd` and `...Formatted` strings beside them are for display. Errors are `{ error: { code, message, issues?, requestId } }`.',
    },
  })
  app.route('/', dashboardRoutes(parameters.dashboardDir))
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Unimargin hub API' }))
  app.notFound((c) => c.json(errorBody(c, 'not_found', `No route for ${c.req.method} ${c.req.path}.`), 404))
  app.onError((error, c) => errorResponse(error, c, logger))
  return app
}

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operators'],
  summary: "Prometheus metrics: requests, the node's state, the process",
  responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
})

export type ServeApiParameters = CreateApiParameters & {
  port: number
  hostname?: string
  /** an app built earlier with {@link createApi}; built from the other parameters when absent */
  app?: { fetch: OpenAPIHono['fetch'] }
}

export type ApiServer = { port: number; close: () => Promise<void> }

/** Thrown by {@link serveApi} when the address is taken or cannot be bound; names the host and port. */
export class ApiListenError extends UnimarginError {
  override name = 'ApiListenError'
}

/**
 * Serves the API over HTTP with @hono/node-server, with WebSocket upgrades (`/v1/stream`) for an app built by
 * {@link createApi}. Unless `app` or `whatIfPool` is given, it builds the what-if pool (one thread started at once) and
 * `close()` terminates it after the server has closed. `close()` first ends the app's account streams and WebSockets
 * and stops its listening.
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
  const runtime = runtimes.get(app)
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: parameters.port, hostname }, (info) => {
      parameters.logger?.info({ port: info.port, hostname }, 'Started API server')
      // views are kept current from now on, and the most recently active accounts' views computed ahead of their reads
      runtime?.live.start()
      resolve({
        port: info.port,
        close: async () => {
          try {
            if (runtime) {
              await runtime.live.close()
              await closeWebSockets(runtime.webSocket)
            }
            await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())))
          } finally {
            await ownPool?.close()
          }
        },
      })
    })
    runtime?.webSocket.injectWebSocket(server)
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

/** ms a WebSocket client has to answer the server's close frame before its socket is cut. */
const WEBSOCKET_CLOSE_GRACE_MS = 1_000

/** Closes every WebSocket of the server with 1001 (going away), cutting those that do not answer in time. */
async function closeWebSockets({ wss }: NodeWebSocket): Promise<void> {
  await Promise.all(
    [...wss.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.readyState === client.CLOSED) return resolve()
          const timer = setTimeout(() => {
            client.terminate()
            resolve()
          }, WEBSOCKET_CLOSE_GRACE_MS)
          client.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          client.close(1001, 'server shutting down')
        }),
    ),
  )
}
