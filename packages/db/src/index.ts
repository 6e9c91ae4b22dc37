export { createDatabase, type CreateDatabaseParameters, type Database, type DatabaseKind, type Db, type DbOrTx, type Tx } from './client.js'
export * from './schema.js'
export { testDatabases, type TestDatabase } from './testing.js'
