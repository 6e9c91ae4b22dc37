import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../options.js'

/** `unimargin migrate`: applies the database migrations. */
export function addMigrateCommand(program: Command): Command {
  return program
    .command('migrate')
    .description('Apply database migrations (PostgreSQL with DATABASE_URL, else PGlite in --data-dir).')
    .option('--data-dir <dir>', 'PGlite data directory', DEFAULT_DATA_DIR)
    .action(async (options: { dataDir: string }) => {
      const { createDatabase } = await import('@unimargin/db')
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      await database.close()
      console.log(`Migrated the ${database.kind} database.`)
    })
}
