export { CHAIN_EVENTS_CHUNK_ROWS, insertChainEvents, type NewChainEvent } from './chainEvents.js'
export { createDatabase, type CreateDatabaseParameters, type Database, DatabaseConnectionError, type DatabaseKind, type Db, type DbOrTx, type Tx } from './client.js'
export { DatabaseInUseError, dataDirLockFile } from './dataDirLock.js'
export {
  type AcquiredLease,
  acquireLease,
  assertLeaseHeld,
  createLeaseKeeper,
  DEFAULT_LEASE_TTL_MS,
  type LeaseKeeper,
  type LeaseKeeperParameters,
  LeaseLostError,
  type LeaseRow,
  listLeases,
  releaseLease,
} from './lease.js'
export { InvalidHexError, normalizeHex, normalizeOptionalHex } from './hex.js'
export {
  ACCOUNT_CHANNEL,
  listen,
  type ListenParameters,
  notifiesBeforeCommitReturns,
  notifyAccountChanged,
  notifyPricesChanged,
  PRICES_CHANNEL,
} from './notifications.js'
export * from './outbox/index.js'
export * from './schema.js'
export { createFreshPostgres, type FreshPostgres, testDatabases, type TestDatabase } from './testing.js'
/** Query operators of the drizzle version the schema is built with, so services share one copy. */
export { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm'
