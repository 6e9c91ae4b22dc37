// Entry of the what-if worker threads (see whatIfPool.ts). The node runs its TypeScript sources directly (tsx in
// production, vitest's transforms in tests) and neither reaches a worker thread, whose execArgv the pool empties:
// this plain module registers tsx's loader in the thread, then answers each task `{ input, change }` with
// `runWhatIfTask(workerData.config, task)`.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { runWhatIfTask } = await import('./whatIfTask.ts')

// a `{ warmUp: true }` task only waits for the module above to load (whatIfPool.ts)
export default (task) => (task.warmUp ? null : runWhatIfTask(workerData.config, task))
