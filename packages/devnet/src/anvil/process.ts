import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { AnvilStartError, PortInUseError } from '../errors.js'
import { anvilBinary } from './binary.js'
import { forgetAnvil, reclaimOrphanAnvil, recordAnvil } from './orphans.js'
import { track } from './registry.js'

export interface AnvilOptions {
  port: number
  chainId: number
  /** interval mining in seconds (fractions work); undefined = automine */
  blockTimeSeconds?: number
  /** JSON state file to start from (`--load-state`) */
  loadState?: string
  /** ms to wait for `eth_chainId` to answer; default 10 000 */
  readyTimeoutMs?: number
}

/** A running anvil process. */
export interface Anvil {
  readonly port: number
  readonly chainId: number
  readonly rpcUrl: string
  readonly pid: number
  /** Stops the process (SIGTERM, then SIGKILL after 2 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>
}

/**
 * Spawns `anvil --host 127.0.0.1 --port P --chain-id ID --silent` and waits until `eth_chainId` answers with ID.
 * An anvil still holding the port after the devnet that started it was killed is stopped first (`orphans.ts`).
 * @throws {PortInUseError} if the port is taken (checked before spawning, and from anvil's own error).
 * @throws {AnvilStartError} if anvil exits early or does not answer within `readyTimeoutMs`.
 */
export async function startAnvil(options: AnvilOptions): Promise<Anvil> {
  const { port, chainId } = options
  // an anvil left on this port by a devnet that was killed (SIGKILL runs no exit handler) is stopped first
  await reclaimOrphanAnvil(port)
  await assertPortFree(port)
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent']
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds))
  if (options.loadState) args.push('--load-state', options.loadState)

  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] })
  track(child)
  if (child.pid !== undefined) {
    const pid = child.pid
    recordAnvil(port, pid)
    child.once('exit', () => forgetAnvil(port, pid))
  }
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code
      resolve()
    }),
  )
  const rpcUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000)
  for (;;) {
    if (exited !== undefined) {
      if (/address already in use/i.test(stderr)) throw new PortInUseError(port)
      throw new AnvilStartError(`anvil on port ${port} exited with code ${exited}: ${stderr.trim()}`, { port, code: exited, stderr })
    }
    const answered = await chainIdAt(rpcUrl)
    if (answered === chainId) break
    if (answered !== undefined) {
      child.kill('SIGKILL')
      throw new AnvilStartError(`Port ${port} answered with chain id ${answered}, expected ${chainId}: another node is listening.`, { port })
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new AnvilStartError(`anvil on port ${port} did not answer eth_chainId in time.`, { port, stderr })
    }
    await sleep(15)
  }
  return {
    port,
    chainId,
    rpcUrl,
    pid: child.pid ?? -1,
    stop: () => stopChild(child, exit, () => exited !== undefined),
  }
}

async function stopChild(child: ChildProcess, exit: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exit
  clearTimeout(timer)
}

async function chainIdAt(rpcUrl: string): Promise<number | undefined> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(500),
    })
    const body = (await res.json()) as { result?: string }
    return body.result ? Number(body.result) : undefined
  } catch {
    return undefined
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', () => reject(new PortInUseError(port)))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()))
  })
}
