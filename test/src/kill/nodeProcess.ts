import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../../services/node/src/bin.ts', import.meta.url))

export type NodeProcessOptions = {
  /** the node's configuration JSON (`unimargin start -c`) */
  configFile: string
  /** PGlite data directory; the node id is kept beside it in `<dataDir>.node-id` (also on PostgreSQL) */
  dataDir: string
  /** PostgreSQL URL handed to the node as `DATABASE_URL`; absent = PGlite in `dataDir` */
  databaseUrl?: string | undefined
  apiPort: number
  /** `--shutdown-timeout`, seconds */
  shutdownTimeoutSeconds: number
  /** the node's stdout and stderr are appended here */
  logFile: string
}

/** How a node process ended: its exit code, or the signal that ended it. */
export type NodeExit = { code: number | null; signal: NodeJS.Signals | null }

/** One `unimargin start` process. */
export type NodeProcess = {
  pid: number
  apiUrl: string
  /** resolves when the process has exited (its pid is gone, so its data dir lock is stale) */
  exited: Promise<NodeExit>
  /** whether the process is still running */
  alive: () => boolean
  /** sends `signal` to the process (nothing when it has already exited) */
  signal: (signal: NodeJS.Signals) => void
}

/**
 * Starts `unimargin start` as a child process the way an operator runs it (the CLI under tsx, the same Node.js),
 * on `options.dataDir` or `options.databaseUrl`, with every service and the HTTP API on `apiPort`. Output goes to
 * `logFile`, after a line naming the run.
 */
export function startNodeProcess(options: NodeProcessOptions, label: string): NodeProcess {
  const log = openSync(options.logFile, 'a')
  writeSync(log, `\n===== ${new Date().toISOString()} ${label}\n`)
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' }
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl
  else delete env.DATABASE_URL
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      BIN,
      'start',
      '-c',
      options.configFile,
      '--data-dir',
      options.dataDir,
      '--api-port',
      String(options.apiPort),
      '--shutdown-timeout',
      String(options.shutdownTimeoutSeconds),
    ],
    { stdio: ['ignore', log, log], env },
  )
  closeSync(log)
  const exited = new Promise<NodeExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return {
    pid: child.pid!,
    apiUrl: `http://127.0.0.1:${options.apiPort}`,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
  }
}

/**
 * Resolves once the node answers `GET /health`, polling every 50 ms; `false` when it exited first or `timeoutMs`
 * passed.
 */
export async function untilHealthy(node: NodeProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (node.alive() && Date.now() < deadline) {
    const ok = await fetch(`${node.apiUrl}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      async (r) => {
        await r.body?.cancel()
        return r.ok
      },
      () => false,
    )
    if (ok) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

/** `unimargin start`'s exit code when a service it needs (its API port, PostgreSQL) is unavailable. */
export const EX_UNAVAILABLE = 69

/**
 * Spawns a node and waits until `ready` holds; a start that exits 69 ({@link EX_UNAVAILABLE}: its API port was taken,
 * e.g. by an outgoing connection of this busy machine that got it as its ephemeral port) is started again, up to
 * four times, a second apart.
 * @param ready what must hold before the node counts as started (`/health`, or a delay for kills during start)
 * @param onSpawn called with each process spawned (for a caller that must kill it on failure)
 * @throws Error naming the node's log when it does not get ready while alive, or exits with another code
 */
export async function launchNode(
  options: NodeProcessOptions,
  label: string,
  ready: (n: NodeProcess) => Promise<boolean>,
  onSpawn: (n: NodeProcess) => void = () => {},
): Promise<NodeProcess> {
  for (let attempt = 0; ; attempt++) {
    const n = startNodeProcess(options, attempt === 0 ? label : `${label} (started again: the API port was taken)`)
    onSpawn(n)
    if (await ready(n)) return n
    if (n.alive()) throw new Error(`The node (pid ${n.pid}) did not get ready in time; see ${options.logFile}.`)
    const exit = await n.exited
    if (exit.code !== EX_UNAVAILABLE || attempt >= 4) throw new Error(`The node (pid ${n.pid}) exited with ${JSON.stringify(exit)} while starting; see ${options.logFile}.`)
    await new Promise((r) => setTimeout(r, 1_000))
  }
}
