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
  const name = `unimargin_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const target = new URL(url)
  target.pathname = `/${name}`
  const database = await createDatabase({ url: target.toString() })
  return {
    ...database,
    close: async () => {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}
