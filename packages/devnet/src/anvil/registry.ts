import type { ChildProcess } from 'node:child_process'

/** Every anvil this process started and has not yet seen exit. Killed when the process exits or is signalled. */
const live = new Set<ChildProcess>()
let installed = false

/** Tracks `child` so it is killed on process exit, SIGINT and SIGTERM; untracked when it exits. */
export function track(child: ChildProcess): void {
  install()
  live.add(child)
  child.once('exit', () => live.delete(child))
}

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  live.clear()
}

function install(): void {
  if (installed) return
  installed = true
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAll()
      process.removeListener(signal, onSignal)
      // Keep the default behaviour (terminate) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    }
    process.on(signal, onSignal)
  }
}
