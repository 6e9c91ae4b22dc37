import { PGlite } from '@electric-sql/pglite'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { lockDataDir } from './dataDirLock.js'
import * as schema from './schema.js'
import { UnimarginError } from '@unimargin/errors'

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

/** Thrown when PostgreSQL cannot be reached or refuses the connection (server down, unknown database, bad role). */
export class DatabaseConnectionError extends UnimarginError {
  override name = 'DatabaseConnectionError'
  /** the server may come up */
  override readonly retryable = true
}

/**
 * Opens the database: PostgreSQL through postgres.js when `url` is given, otherwise embedded PGlite (in memory,
 * or persisted in `dataDir`, locked for this process while open). Applies the drizzle migrations from
 * `packages/db/migrations` unless told not to.
 * @throws {DatabaseConnectionError} when PostgreSQL cannot be reached or refuses the connection, naming the server
 *   and database (never the password) and the server's reason, before any migration is tried.
 * @throws {DatabaseInUseError} when `dataDir` is open in another live process (PGlite is single-process).
 * @throws the migrator's error when a migration fails.
 * @example const { db, close } = await createDatabase({ url: process.env.DATABASE_URL })
 */
export async function createDatabase(parameters: CreateDatabaseParameters = {}): Promise<Database> {
  const { url, dataDir, migrate = true } = parameters
  if (url) {
    const client = postgres(url, { max: 10, onnotice: () => {} })
    try {
      await client`select 1`
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {})
      throw new DatabaseConnectionError(`Cannot open PostgreSQL ${describeUrl(url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
    const db = drizzlePostgres(client, { schema })
    if (migrate) await migrateAlone(client, () => migratePostgres(db, { migrationsFolder }))
    return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) }
  }
  const release = dataDir ? lockDataDir(dataDir) : () => {}
  try {
    const client = new PGlite(dataDir)
    const db = drizzlePglite(client, { schema })
    if (migrate) await migratePglite(db, { migrationsFolder })
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      close: async () => {
        try {
          await client.close()
        } finally {
          release()
        }
      },
    }
  } catch (error) {
    release()
    throw error
  }
}

/** `host:port/database` of a PostgreSQL URL, without user or password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}

/** Key of the advisory lock under which one process at a time migrates a PostgreSQL database (any fixed bigint). */
const MIGRATION_LOCK_KEY = 0x756e696d

/**
 * Runs `run` (the migrator) while holding a session advisory lock on a reserved connection, so nodes started
 * together on one PostgreSQL migrate one after the other (the next finds nothing left to apply) instead of racing to
 * create the same tables.
 */
async function migrateAlone(client: postgres.Sql, run: () => Promise<void>): Promise<void> {
  const lock = await client.reserve()
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`
    try {
      await run()
    } finally {
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`
    }
  } finally {
    lock.release()
  }
}
