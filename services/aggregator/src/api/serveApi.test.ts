import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testConfig } from '../test-utils.js'
import type { WhatIfPool } from '../whatif/index.js'
import { ApiListenError, serveApi } from './createApi.js'

const pools = vi.hoisted(() => [] as { closed: boolean }[])
vi.mock('../whatif/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../whatif/index.js')>()
  return {
    ...original,
    createWhatIfPool: (parameters: Parameters<typeof original.createWhatIfPool>[0]): WhatIfPool => {
      const pool = original.createWhatIfPool(parameters)
      const record = { closed: false }
      pools.push(record)
      return {
        run: pool.run,
        close: async () => {
          await pool.close()
          record.closed = true
        },
      }
    },
  }
})

describe.each(testDatabases())('serveApi on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
    pools.length = 0
  })
  afterEach(async () => {
    await database.close()
  })

  it('closes the what-if pool it built when the server closes, so the node exits cleanly', async () => {
    const server = await serveApi({ db: database.db, config: testConfig(), port: 0 })
    expect(pools).toEqual([{ closed: false }])
    await server.close()
    expect(pools).toEqual([{ closed: true }])
  })
  it('refuses a port in use with an error that names it, and closes the what-if pool it built', async () => {
    const first = await serveApi({ db: database.db, config: testConfig(), port: 0 })
    try {
      const error = await serveApi({ db: database.db, config: testConfig(), port: first.port }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiListenError)
      expect((error as Error).message).toBe(`Port ${first.port} on 127.0.0.1 is in use by another process; stop it or choose another port (--api-port).`)
      expect(pools.map((p) => p.closed)).toEqual([false, true])
    } finally {
      await first.close()
    }
  })
})
