import { PGlite } from '@electric-sql/pglite'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import * as schema from './schema.js'

/** A drizzle database over either driver, with the project's schema. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
/** A transaction handle; every function that takes a `Db` also accepts one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

export type DatabaseKind = 'pglite' | 'postgres'

export type CreateDatabaseParameters = {
  /** PostgreSQL URL (postgres.js). When absent, an embedded PGlite database is used. */
  url?: string | undefined
  /** PGlite data directory; absent = in memory. Ignored with `url`. */
  dataDir?: string | undefined
  /** Run migrations before returning (default true). */
  migrate?: boolean
}

export type Database = {
  db: Db
  kind: DatabaseKind
  /** Closes the connection pool or the embedded database. */
  close: () => Promise<void>
}

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url))

/**
 * Opens the database: PostgreSQL through postgres.js when `url` is given, otherwise embedded PGlite (in memory,
 * or persisted in `dataDir`). Applies the drizzle migrations from `packages/db/migrations` unless told not to.
 * @throws the driver's error when the server cannot be reached or a migration fails.
 * @example const { db, close } = await createDatabase({ url: process.env.DATABASE_URL })
 */
export async function createDatabase(parameters: CreateDatabaseParameters = {}): Promise<Database> {
  const { url, dataDir, migrate = true } = parameters
  if (url) {
    const client = postgres(url, { max: 10, onnotice: () => {} })
    const db = drizzlePostgres(client, { schema })
    if (migrate) await migratePostgres(db, { migrationsFolder })
    return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) }
  }
  const client = new PGlite(dataDir)
  const db = drizzlePglite(client, { schema })
  if (migrate) await migratePglite(db, { migrationsFolder })
  return { db: db as unknown as Db, kind: 'pglite', close: () => client.close() }
}
