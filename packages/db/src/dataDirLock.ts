import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { UnimarginError } from '@unimargin/errors'

/**
 * Thrown when a PGlite data directory is already open in a live process. PGlite is single-process: a second process
 * opening the same directory would not fail but silently corrupt it, so the directory is locked while open.
 */
export class DatabaseInUseError extends UnimarginError {
  override name = 'DatabaseInUseError'
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The PGlite data directory ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}. ` +
        'Stop that node first, ask it through its HTTP API, or run the node on PostgreSQL (DATABASE_URL) to share the database.',
    )
  }
}

/** The lock file of a PGlite data directory: beside it, `<dataDir>.lock`, holding the owner's pid. */
export function dataDirLockFile(dataDir: string): string {
  return `${resolve(dataDir)}.lock`
}

/**
 * Locks a PGlite data directory for this process until the returned function is called. The lock file holds the
 * owner's pid; a lock whose process is gone (a node killed with SIGKILL) is taken over at once, so a crashed node
 * restarts without waiting for a lock to go stale.
 * @returns a function that releases the lock (idempotent; leaves a lock another process has taken alone)
 * @throws {DatabaseInUseError} if a live process (this one included) holds the lock
 */
export function lockDataDir(dataDir: string): () => void {
  const file = dataDirLockFile(dataDir)
  mkdirSync(dirname(file), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10)
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new DatabaseInUseError(resolve(dataDir), holder)
      unlinkSync(file)
    }
  }
  let released = false
  return () => {
    if (released) return
    released = true
    try {
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file)
    } catch {
      // already gone
    }
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
