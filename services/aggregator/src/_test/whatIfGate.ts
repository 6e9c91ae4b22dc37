import { BroadcastChannel } from 'node:worker_threads'

/** The worker module whose tasks hold their thread until released (see `holdingWhatIfWorker.mjs`). */
export const holdingWhatIfWorker = new URL('./holdingWhatIfWorker.mjs', import.meta.url)

/**
 * The test's end of the `what-if-gate` channel: `ready(n)` resolves once `n` threads of the holding worker have
 * loaded, `holding(n)` once `n` of its tasks have started holding their thread, `release()` lets every holding task
 * go on, `close()` closes the channel.
 */
export function openWhatIfGate() {
  const channel = new BroadcastChannel('what-if-gate')
  channel.unref()
  const seen = { ready: 0, holding: 0 }
  let waiters: (() => void)[] = []
  channel.onmessage = (event) => {
    const data = (event as MessageEvent).data
    if (data !== 'ready' && data !== 'holding') return
    seen[data as keyof typeof seen]++
    const woken = waiters
    waiters = []
    for (const w of woken) w()
  }
  const until = (what: keyof typeof seen, count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (seen[what] >= count ? resolve() : waiters.push(check))
      check()
    })
  return {
    ready: (count = 1) => until('ready', count),
    holding: (count = 1) => until('holding', count),
    release: () => channel.postMessage('release'),
    close: () => channel.close(),
  }
}
