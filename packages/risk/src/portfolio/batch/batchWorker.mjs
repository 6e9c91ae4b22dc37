// Entry of the batch engine's worker threads (see batchWorkers.ts). It answers each `BatchTask` with `{ ok, value }`
// or `{ ok, message }`. `workerData.bundle` is the URL of the package's build of `batchTask.ts` (`pnpm build`:
// one plain ES module, no loader, about 8 MB per thread) when that build is newer than every source file; otherwise
// (a source edited since the last build) the thread registers tsx's loader and runs the TypeScript sources, as the
// main thread does under tsx or vitest, whose loaders do not reach a worker thread.
import { parentPort, workerData } from 'node:worker_threads'

async function loadBatchTask() {
  if (workerData?.bundle) return import(workerData.bundle)
  const { register } = await import('tsx/esm/api')
  register()
  return import('./batchTask.ts')
}

const { runBatchTask } = await loadBatchTask()

parentPort.on('message', (task) => {
  try {
    parentPort.postMessage({ ok: true, value: runBatchTask(task) })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) })
  }
})
