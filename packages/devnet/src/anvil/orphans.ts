import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Pid files of the anvils this machine's devnets started, one per port: `<tmpdir>/unimargin-anvil/<port>.json` with
 * the anvil's pid and the pid of the process that owns it. A devnet killed with SIGKILL cannot stop its anvils (no
 * exit handler runs), so they keep their ports; the next devnet on that port finds the file, sees the owner is gone
 * and stops the orphan before starting its own.
 */
const DIR = join(tmpdir(), 'unimargin-anvil')

type PidFile = { anvilPid: number; ownerPid: number }

const fileOf = (port: number) => join(DIR, `${port}.json`)

/** Records that this process owns the anvil `anvilPid` listening on `port`. */
export function recordAnvil(port: number, anvilPid: number): void {
  mkdirSync(DIR, { recursive: true })
  writeFileSync(fileOf(port), JSON.stringify({ anvilPid, ownerPid: process.pid } satisfies PidFile))
}

/** Forgets the anvil on `port` if this process recorded it (it has exited or been stopped). */
export function forgetAnvil(port: number, anvilPid: number): void {
  const recorded = read(port)
  if (recorded?.anvilPid === anvilPid) rmSync(fileOf(port), { force: true })
}

/**
 * Stops the anvil recorded on `port` when the process that started it is gone and the pid is still an anvil serving
 * that port (checked in `/proc/<pid>/cmdline`, so a reused pid is never killed). Waits up to 3 s for it to exit.
 * @returns the orphan's pid when one was stopped, else undefined
 */
export async function reclaimOrphanAnvil(port: number): Promise<number | undefined> {
  const recorded = read(port)
  if (!recorded) return undefined
  // an anvil whose devnet still runs (this process included) is never touched
  if (isAlive(recorded.ownerPid)) return undefined
  const { anvilPid } = recorded
  if (!isAlive(anvilPid) || !isAnvilOnPort(anvilPid, port)) {
    rmSync(fileOf(port), { force: true })
    return undefined
  }
  process.kill(anvilPid, 'SIGKILL')
  for (let i = 0; i < 300 && isAlive(anvilPid); i++) await sleep(10)
  rmSync(fileOf(port), { force: true })
  return anvilPid
}

function read(port: number): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(fileOf(port), 'utf8')) as Partial<PidFile>
    return Number.isInteger(parsed.anvilPid) && Number.isInteger(parsed.ownerPid) ? (parsed as PidFile) : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether `pid` runs anvil with `--port <port>` (Linux `/proc`; false where it cannot be read). */
function isAnvilOnPort(pid: number, port: number): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const at = args.indexOf('--port')
    return /anvil$/.test(args[0] ?? '') && at >= 0 && args[at + 1] === String(port)
  } catch {
    return false
  }
}
