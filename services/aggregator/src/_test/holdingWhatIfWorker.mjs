// A what-if worker for tests: posts `ready` on the BroadcastChannel `what-if-gate` once loaded; each task posts
// `holding` there, then holds its thread
// (a synchronous wait, as a long computation would) until a `release` arrives on that channel, then computes as the
// real worker does. A caller whose event loop answers requests meanwhile is not running the what-if itself.
import { BroadcastChannel, receiveMessageOnPort } from 'node:worker_threads'
import compute from '../whatif/whatIfWorker.mjs'

const gate = new BroadcastChannel('what-if-gate')
const pause = new Int32Array(new SharedArrayBuffer(4))
gate.postMessage('ready')

export default (task) => {
  // the pool's warm-up task is not a what-if: it is not held
  if (task.warmUp) return compute(task)
  gate.postMessage('holding')
  for (;;) {
    const received = receiveMessageOnPort(gate)
    if (received?.message === 'release') break
    if (!received) Atomics.wait(pause, 0, 0, 5)
  }
  return compute(task)
}
