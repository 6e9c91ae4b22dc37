import { type Command, InvalidArgumentError } from 'commander'
import { DATA_DIR_HELP, DEFAULT_DATA_DIR } from '../options.js'

/** `unimargin rebuild --verify`: rebuilds the derived state in a scratch database and compares it with the live one. */
export function addRebuildCommand(program: Command): Command {
  return program
    .command('rebuild')
    .description(
      'Rebuild the derived state (accounts, balances, withdrawals, positions, prices, liquidations, the outbox…) from the recorded inputs into a scratch database ' +
        "with the aggregator's own code, and compare it with the live one row by row (uses DATABASE_URL or --data-dir). Exits 0 only when equal.",
    )
    .option('--verify', 'compare with the live database and print the differences (required: the live database is never written)')
    .requiredOption('-c, --config <file>', 'configuration file (unimargin.config.ts or JSON) the node runs with')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--json', 'print the verification as JSON')
    .action(async (options: { verify?: boolean; config: string; dataDir: string; json?: boolean }) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      if (!options.verify) throw new InvalidArgumentError('rebuild only verifies: pass --verify (chains resume rebuilds in place after a reorg)')
      const { verifyRebuild } = await import('@unimargin/aggregator')
      const { formatVerification, verificationJson } = await import('../../operator/rebuild.js')
      const config = await loadConfigFile(options.config)
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const result = await verifyRebuild(database.db, config)
        console.log(options.json ? JSON.stringify(verificationJson(result), null, 2) : formatVerification(result).join('\n'))
        if (!result.equal) process.exitCode = 1
      } finally {
        await database.close()
      }
    })
}
