import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createDatabase, DatabaseConnectionError } from './client.js'
import { DatabaseInUseError, dataDirLockFile } from './dataDirLock.js'

const clientModule = fileURLToPath(new URL('./client.ts', import.meta.url))
const scratch = () => join(mkdtempSync(join(tmpdir(), 'unimargin-lock-')), 'data')

/** A child process that opens `dataDir`, prints `open`, and holds it until its stdin closes. */
function holdInChild(dataDir: string) {
  const script = `
    const { createDatabase } = await import(${JSON.stringify(clientModule)})
    const d = await createDatabase({ dataDir: ${JSON.stringify(dataDir)} })
    process.stdout.write('open\\n')
    process.stdin.resume()
    process.stdin.on('end', async () => { await d.close(); process.exit(0) })
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] })
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('open') && resolve())
    child.on('exit', (code) => reject(new Error(`child exited ${code} before opening`)))
  })
  return { child, opened }
}

describe('PGlite data directory lock', () => {
  it('refuses a data directory another live process has open, naming the directory and that process', async () => {
    const dataDir = scratch()
    const { child, opened } = holdInChild(dataDir)
    try {
      await opened
      const error = await createDatabase({ dataDir }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DatabaseInUseError)
      expect(error).toMatchObject({ dataDir, pid: child.pid })
      expect((error as Error).message).toContain(`in use by process ${child.pid}`)
    } finally {
      child.stdin.end()
      await new Promise((r) => child.once('exit', r))
    }
    const reopened = await createDatabase({ dataDir })
    await reopened.close()
  }, 60_000)

  it('refuses a second open in the same process until the first is closed, then frees the lock on close', async () => {
    const dataDir = scratch()
    const first = await createDatabase({ dataDir })
    await expect(createDatabase({ dataDir })).rejects.toThrow(/in use by process \d+ \(this one\)/)
    await first.close()
    expect(existsSync(dataDirLockFile(dataDir))).toBe(false)
    const second = await createDatabase({ dataDir })
    await second.close()
  }, 60_000)

  it('takes over the lock of a process that died without closing (a SIGKILLed node restarts at once)', async () => {
    const dataDir = scratch()
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((r) => dead.once('exit', r))
    writeFileSync(dataDirLockFile(dataDir), `${dead.pid}\n`)
    const database = await createDatabase({ dataDir })
    await database.close()
  }, 60_000)
})

describe('PostgreSQL connection errors', () => {
  it('names the server and database, not the password, when the server refuses the connection', async () => {
    const error = await createDatabase({ url: 'postgres://alice:s3cret@127.0.0.1:1/unimargin' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseConnectionError)
    expect((error as Error).message).toMatch(/^Cannot open PostgreSQL 127\.0\.0\.1:1\/unimargin: .*ECONNREFUSED/)
    expect((error as Error).message).not.toContain('s3cret')
  })

  it.skipIf(!process.env.DATABASE_URL)('says that the database does not exist instead of failing in a migration', async () => {
    const url = new URL(process.env.DATABASE_URL!)
    url.pathname = '/unimargin_no_such_database'
    const error = await createDatabase({ url: url.toString() }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseConnectionError)
    expect((error as Error).message).toContain('unimargin_no_such_database" does not exist')
  })
})
