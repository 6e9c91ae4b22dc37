// SSE clients for bench/api.ts, in their own process (so their sockets count against its own open-file limit, not the
// API's): `clients` streams spread over `accounts` accounts. Parameters as JSON in argv[2]; messages over IPC.
// Posts { ready } once every stream has its snapshot, then { updated: [ms since epoch per client] } once every
// stream has had an `update` event after the parent's 'mark' message (or `timeoutMs` passed after its 'committed').
import http from 'node:http'

const { port, clients, accounts, timeoutMs } = JSON.parse(process.argv[2])
const post = (message) => process.send(message)
const addressOf = (i) => `0x${(i + 1).toString(16).padStart(40, '0')}`
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
let snapshots = 0
let marked = false
const updatedAt = new Array(clients).fill(0)
let updated = 0
const requests = []
let failed = 0
const readyIfDone = () => {
  if (snapshots + failed === clients) post({ ready: true, failed })
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
        if (++updated === clients) post({ updated: updatedAt })
      }
    })
  })
  req.on('error', (error) => {
    if (seenSnapshot) return post({ error: `client ${i}: ${error.message}` })
    if (attempt < 5) return void setTimeout(() => open(i, attempt + 1), 200 * attempt)
    post({ error: `client ${i}: ${error.message} (after ${attempt} attempts)` })
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
process.on('message', (message) => {
  if (message === 'mark') marked = true
  if (message === 'committed') setTimeout(() => post({ updated: updatedAt }), timeoutMs).unref()
  if (message === 'close') {
    for (const r of requests) r.destroy()
    agent.destroy()
    process.disconnect()
  }
})
