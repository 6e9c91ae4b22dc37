import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { PortInUseError, startDevnet } from './index.js'

const BASE_PORT = 19045
const stateDir = mkdtempSync(join(tmpdir(), 'unimargin-devnet-test-'))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

/** Whether `pid` runs; a zombie (exited, not yet reaped by an init that never reaps) counts as gone. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true // no procfs: trust kill(pid, 0)
  }
}

describe('devnet lifecycle', () => {
  it('starts from the cached state with the same deployment, without deploying again', async () => {
    const first = await startDevnet({ chains: 2, basePort: BASE_PORT, stateDir })
    expect(first.fromCache).toBe(false)
    const config = first.config
    await first.stop()

    const started = performance.now()
    const second = await startDevnet({ chains: 2, basePort: BASE_PORT, stateDir })
    const elapsed = performance.now() - started
    try {
      expect(second.fromCache).toBe(true)
      expect(second.config).toEqual(config)
      expect(elapsed).toBeLessThan(3000)
      const c = second.chains[1]!
      expect(await c.publicClient.getCode({ address: c.addresses.vault })).toMatch(/^0x[0-9a-f]{100,}/)
      expect(await c.publicClient.getBlockNumber({ cacheTime: 0 })).toBeGreaterThanOrEqual(c.startBlock - 1n)
    } finally {
      await second.stop()
    }
  })

  it('mines blocks on its own with a fractional block time', async () => {
    const devnet = await startDevnet({ chains: 1, basePort: BASE_PORT + 10, blockTimeSeconds: 0.2 })
    try {
      const c = devnet.chains[0]!
      expect(devnet.config.chains[0]!.blockTimeMs).toBe(200)
      const before = await c.publicClient.getBlockNumber({ cacheTime: 0 })
      await new Promise((r) => setTimeout(r, 900))
      expect(await c.publicClient.getBlockNumber({ cacheTime: 0 })).toBeGreaterThanOrEqual(before + 3n)
    } finally {
      await devnet.stop()
    }
  })

  it('throws PortInUseError when a chain\'s port is taken, and leaves no anvil behind', async () => {
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(BASE_PORT + 21, '127.0.0.1', resolve))
    try {
      const error = await startDevnet({ chains: 2, basePort: BASE_PORT + 20 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PortInUseError)
      expect((error as PortInUseError).port).toBe(BASE_PORT + 21)
      // the first chain's anvil started and must have been stopped again
      await expect(startDevnet({ chains: 1, basePort: BASE_PORT + 20 }).then((d) => d.stop())).resolves.toBeUndefined()
    } finally {
      server.close()
    }
  })

  it('kills its anvils when the owning process is terminated by SIGTERM', async () => {
    const script = fileURLToPath(new URL('./testing/fixtures/hold-devnet.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(BASE_PORT + 30)], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const line = out.split('\n').find((l) => l.startsWith('pids '))
        if (line) resolve(line.slice(5).split(',').map(Number))
      })
      child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)))
    })
    expect(pids.every(alive)).toBe(true)
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    await new Promise((r) => setTimeout(r, 100))
    expect(pids.filter(alive)).toEqual([])
  })
})
