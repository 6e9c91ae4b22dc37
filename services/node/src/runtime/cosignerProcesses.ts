import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from '@unimargin/chains'
import type { Hex } from 'viem'

export type SpawnCoSignersParameters = {
  /** the network's config; each co-signer gets a copy with its own key, written to `<workDir>/cosigner-<i>.json` */
  config: Config
  /** one co-signer process per key (the hub's registered co-signers) */
  keys: readonly Hex[]
  /** signatures the hub needs, written into the returned config's `coSigners.threshold` */
  threshold: number
  /** config files, fresh PGlite data dirs (`cosigner-<i>/`) and logs (`cosigner-<i>.log`) go here */
  workDir: string
  /** HTTP port of co-signer 0; the others follow */
  basePort: number
  /** ms to wait for each to answer `/health` (default 120 000) */
  startTimeoutMs?: number
}

export type SpawnedCoSigners = {
  /** `config` with `coSigners` pointing at the started processes */
  config: Config
  stop(): Promise<void>
}

const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url))

/**
 * Starts one `unimargin cosign` process per key on this machine (the devnet demo), each with its own config file,
 * PGlite data directory (emptied first: the devnet's chains start fresh) and port, and waits until each answers
 * `/health`. Runs the CLI the way this process runs (same node and loader flags).
 * @throws Error when a co-signer exits or does not answer in time (the others are stopped).
 */
export async function spawnLocalCoSigners(parameters: SpawnCoSignersParameters): Promise<SpawnedCoSigners> {
  const { config, keys, threshold, workDir, basePort } = parameters
  mkdirSync(workDir, { recursive: true })
  const children: ChildProcess[] = []
  const urls: string[] = []
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGTERM')
          }),
      ),
    )
  }
  try {
    for (const [i, key] of keys.entries()) {
      const file = join(workDir, `cosigner-${i}.json`)
      const own = { ...config, coSigners: undefined, coSigner: { privateKey: key, toleranceBps: 100 } }
      writeFileSync(file, JSON.stringify(own, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
      const dataDir = join(workDir, `cosigner-${i}`)
      rmSync(dataDir, { recursive: true, force: true })
      const port = basePort + i
      const log = openSync(join(workDir, `cosigner-${i}.log`), 'w')
      const child = spawn(process.execPath, [...process.execArgv, BIN, 'cosign', '--config', file, '--data-dir', dataDir, '--port', String(port)], {
        stdio: ['ignore', log, log],
        env: process.env,
      })
      children.push(child)
      urls.push(`http://127.0.0.1:${port}`)
    }
    const deadline = Date.now() + (parameters.startTimeoutMs ?? 120_000)
    for (const [i, url] of urls.entries()) {
      for (;;) {
        const child = children[i]!
        if (child.exitCode !== null) throw new Error(`Co-signer ${i} exited with code ${child.exitCode}; see ${join(workDir, `cosigner-${i}.log`)}.`)
        const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        )
        if (ok) break
        if (Date.now() > deadline) throw new Error(`Co-signer ${i} did not answer ${url}/health in time; see ${join(workDir, `cosigner-${i}.log`)}.`)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { config: { ...config, coSigners: { urls, threshold, timeoutMs: 10_000 } }, stop }
}
