import { describe, expect, it } from 'vitest'
import { createClient } from './createClient.js'
import { UnimarginApiError } from './errors.js'

const respond = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('createClient', () => {
  it('encodes report integers as decimal strings and posts them', async () => {
    let sent: { url: string; body: unknown } | undefined
    const client = createClient({
      baseUrl: 'http://hub/',
      fetch: async (url, init) => {
        sent = { url, body: JSON.parse(String(init?.body)) }
        return respond(200, { accepted: true, account: '0xa', market: 'ETH-PERP', sequence: '3' })
      },
    })
    await client.reportPosition({ account: '0xa', market: 'ETH-PERP', size: -5n, entryPrice: 7n, sequence: 3n }, '0xsig')
    expect(sent).toEqual({
      url: 'http://hub/v1/positions',
      body: { report: { account: '0xa', market: 'ETH-PERP', size: '-5', entryPrice: '7', sequence: '3' }, signature: '0xsig' },
    })
  })

  it('throws an error carrying the status, code and field issues of a failed request', async () => {
    const client = createClient({
      baseUrl: 'http://hub',
      fetch: async () => respond(400, { error: { code: 'invalid_request', message: 'Invalid param: address: bad', issues: [{ path: 'address', message: 'bad' }] } }),
    })
    const error = await client.getAccount('0x12').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnimarginApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', issues: [{ path: 'address' }] })
  })

  it('returns readiness without throwing while the hub is not ready', async () => {
    const client = createClient({ baseUrl: 'http://hub', fetch: async () => respond(503, { ready: false, chainsWithoutCheckpoint: [1], lateUnprocessedEvents: 0 }) })
    expect(await client.ready()).toMatchObject({ ready: false })
  })
})
