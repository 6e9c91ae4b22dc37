import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { createPublicClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { instrumentedFetch, rpcRequestDuration, rpcRequestErrors } from './rpcMetrics.js'

// a JSON-RPC endpoint that answers eth_blockNumber and refuses everything else with 429
const server = createServer(async (req, res) => {
  let body = ''
  for await (const chunk of req) body += chunk
  const request = JSON.parse(body) as { id: number; method: string }
  if (request.method !== 'eth_blockNumber') {
    res.writeHead(429, { 'retry-after': '0' }).end()
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: '0x10' }))
})
let url: string
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const registry = new Registry()
registry.registerMetric(rpcRequestDuration)
registry.registerMetric(rpcRequestErrors)
const value = async (name: string, labels: Record<string, string>) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => name.startsWith(m.name))
  const samples = metric?.values as Array<{ value: number; labels: Record<string, unknown>; metricName?: string }> | undefined
  const match = samples?.find((v) => (v.metricName ?? metric?.name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l))
  return match?.value
}

describe('JSON-RPC request metrics', () => {
  it('time every request per chain, provider and method, and count refusals and unreachable providers without the URL', async () => {
    const client = (endpoint: string, provider: string) =>
      createPublicClient({ transport: http(endpoint, { retryCount: 0, fetchFn: instrumentedFetch({ chain: 'arbitrum-test', provider }) }) })
    expect(await client(url, 'primary').getBlockNumber()).toBe(16n)
    await expect(client(url, 'primary').getChainId()).rejects.toThrow()
    await expect(client('http://127.0.0.1:1', 'fallback1').getBlockNumber()).rejects.toThrow()

    expect(await value('unimargin_rpc_request_duration_seconds_count', { chain: 'arbitrum-test', provider: 'primary', method: 'eth_blockNumber' })).toBe(1)
    expect(await value('unimargin_rpc_errors_total', { chain: 'arbitrum-test', provider: 'primary', method: 'eth_chainId', error: 'http_429' })).toBe(1)
    expect(await value('unimargin_rpc_errors_total', { chain: 'arbitrum-test', provider: 'fallback1', method: 'eth_blockNumber', error: 'network' })).toBe(1)
    expect(await registry.metrics()).not.toContain('127.0.0.1')
  })
})
