import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ExitCode } from './exitCodes.js'

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url))
/** A port nothing listens on: bound once by the OS, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', bin, ...args], { encoding: 'utf8', timeout: 120_000 })

describe('unimargin exit codes', () => {
  it('exits 0 for --help, and for --version after printing the package version', () => {
    expect(run('--help').status).toBe(ExitCode.ok)
    const version = run('--version')
    expect(version.status).toBe(ExitCode.ok)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('exits 64 for an unknown option or a bad argument', () => {
    expect(run('status', '--no-such-option').status).toBe(ExitCode.usage)
    expect(run('start', '-c', 'x.json', '--api-port', 'eighty').status).toBe(ExitCode.usage)
    expect(run('start', '-c', 'x.json', '--services', 'watcher,relayers').status).toBe(ExitCode.usage)
  })

  it('exits 78 for an invalid configuration, 65 for a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-exit-'))
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ hub: { chainId: 'one' } }))
    writeFileSync(join(dir, 'broken.json'), '{ "hub": ')
    const bad = run('start', '-c', join(dir, 'bad.json'), '--data-dir', join(dir, 'data'))
    expect(bad.status, bad.stderr).toBe(ExitCode.config)
    expect(run('start', '-c', join(dir, 'broken.json'), '--data-dir', join(dir, 'data')).status).toBe(ExitCode.dataError)
  })

  it('exits 69 naming the URL when no node answers, and 65 for an unknown command state', async () => {
    const closed = await freePort()
    const status = run('status', '--api', `http://127.0.0.1:${closed}`)
    expect(status.status).toBe(ExitCode.unavailable)
    expect(status.stderr).toContain(`No node answers at http://127.0.0.1:${closed} (ECONNREFUSED)`)
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-exit-'))
    const list = run('commands', 'list', '--state', 'deadd', '--data-dir', join(dir, 'data'))
    expect(list.status).toBe(ExitCode.dataError)
    expect(list.stderr).toContain("Unknown command state 'deadd'")
  })
})
