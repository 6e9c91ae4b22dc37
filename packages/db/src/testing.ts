import postgres from 'postgres'
import { createDatabase, type Database, type DatabaseKind } from './client.js'

export type TestDatabase = { kind: DatabaseKind; open: () => Promise<Database> }

/**
 * The databases a database test must pass on: embedded PGlite (in memory) always, and PostgreSQL when
 * `DATABASE_URL` is set. Each `open()` on PostgreSQL creates a fresh database (dropped on `close()`), so test
 * files never see each other's rows.
 * @example describe.each(testDatabases())('on $kind', ({ open }) => { ... })
 */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): TestDatabase[] {
  const list: TestDatabase[] = [{ kind: 'pglite', open: () => createDatabase() }]
  const url = env.DATABASE_URL
  if (url) list.push({ kind: 'postgres', open: () => openFreshPostgres(url) })
  return list
}

async function openFreshPostgres(url: string): Promise<Database> {
  const fresh = await createFreshPostgres(url)
  const database = await createDatabase({ url: fresh.url })
  return {
    ...database,
    close: async () => {
      await database.close()
      await fresh.drop()
    },
  }
}

/** A PostgreSQL database made for one test: its URL, and `drop()` to remove it (forcing out open connections). */
export type FreshPostgres = { url: string; drop: () => Promise<void> }

/**
 * Creates an empty database with a unique name on the server of `url` (through `url`'s own database) and returns its
 * URL, for tests that hand a database to another process (`DATABASE_URL` of a spawned node). Nothing is migrated.
 * @throws postgres.js's error when the server cannot be reached or refuses `create database`.
 */
export async function createFreshPostgres(url: string): Promise<FreshPostgres> {
  const name = `unimargin_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } catch (error) {
    await admin.end({ timeout: 5 })
    throw error
  }
  const target = new URL(url)
  target.pathname = `/${name}`
  return {
    url: target.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}
