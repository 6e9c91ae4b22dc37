// Load generator for bench/api.ts, in its own process so it does not share the API's event loop (autocannon run
// inside a worker thread takes itself for one of its own workers): autocannon against GET /v1/accounts/:address,
// each request for a random one of the seeded accounts. Parameters as JSON in argv[2]; the result goes back over IPC.
import autocannon from 'autocannon'

const { url, accounts, connections, seconds } = JSON.parse(process.argv[2])
const addressOf = (i) => `0x${(i + 1).toString(16).padStart(40, '0')}`
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/accounts/${addressOf(Math.floor(Math.random() * accounts))}` }) }],
})
process.send({
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
})
process.disconnect()
