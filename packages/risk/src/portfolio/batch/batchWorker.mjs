// Entry of the batch engine's worker threads (see batchWorkers.ts). The package runs from its TypeScript sources (tsx,
// or vitest's transforms in tests) and neither reaches a worker thread, whose execArgv the pool empties: this plain
// module registers tsx's loader in the thread, then answers each `BatchTask` with `{ ok, value }` or `{ ok, message }`.
import { parentPort } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { runBatchTask } = await import('./batchTask.ts')

parentPort.on('message', (task) => {
  try {
    parentPort.postMessage({ ok: true, value: runBatchTask(task) })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) })
  }
})
