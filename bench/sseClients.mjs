// SSE clients for bench/api.ts, in their own worker thread: `clients` streams spread over `accounts` accounts.
// Posts { ready } once every stream has its snapshot, then { updated: [ms since epoch per client] } once every
// stream has had an `update` event after the parent's 'mark' message (or `timeoutMs` passed after its 'committed').
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

const { port, clients, accounts, timeoutMs } = workerData
const addressOf = (i) => `0x${(i + 1).toString(16).padStart(40, '0')}`
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
let snapshots = 0
let marked = false
const updatedAt = new Array(clients).fill(0)
let updated = 0
const requests = []
let failed = 0
const readyIfDone = () => {
  if (snapshots + failed === clients) parentPort.postMessage({ ready: true, failed })
}
/** Opens client `i`'s stream; a connection refused or reset before its snapshot is tried again (as an SSE client reconnects), up to 5 times. */
const open = (i, attempt = 1) => {
  let seenSnapshot = false
  const req = http.get({ host: '127.0.0.1', port, agent, path: `/v1/accounts/${addressOf(i % accounts)}/stream` }, (res) => {
    res.setEncoding('utf8')
    res.on('data', (chunk) => {
      if (!seenSnapshot && chunk.includes('event: snapshot')) {
        seenSnapshot = true
        snapshots++
        readyIfDone()
      }
      if (marked && updatedAt[i] === 0 && chunk.includes('event: update')) {
        updatedAt[i] = Date.now()
        if (++updated === clients) parentPort.postMessage({ updated: updatedAt })
      }
    })
  })
  req.on('error', (error) => {
    if (seenSnapshot) return parentPort.postMessage({ error: `client ${i}: ${error.message}` })
    if (attempt < 5) return void setTimeout(() => open(i, attempt + 1), 200 * attempt)
    parentPort.postMessage({ error: `client ${i}: ${error.message} (after ${attempt} attempts)` })
    failed++
    readyIfDone()
  })
  requests.push(req)
}
for (let i = 0; i < clients; i++) {
  open(i)
  // open them a few hundred at a time, as clients arrive
  if (i % 500 === 499) await new Promise((r) => setTimeout(r, 50))
}
parentPort.on('message', (message) => {
  if (message === 'mark') marked = true
  if (message === 'committed') setTimeout(() => parentPort.postMessage({ updated: updatedAt }), timeoutMs).unref()
  if (message === 'close') {
    for (const r of requests) r.destroy()
    agent.destroy()
    parentPort.close()
  }
})
