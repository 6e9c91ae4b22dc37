import type { Command } from 'commander'
import { createNodeLogger, type LogFormat } from '../../logger.js'
import { logFormatOption, port } from '../options.js'

/** `unimargin cosign`: a MarginHub co-signer with its own watchers, valuation and database. */
export function addCosignCommand(program: Command): Command {
  return program
    .command('cosign')
    .description(
      "Run a MarginHub co-signer: its own watchers, valuation and database, signing only the hub's commands its own view of the chains supports (POST /v1/cosign).",
    )
    .requiredOption('-c, --config <file>', "the co-signer's own configuration file (unimargin.config.ts or JSON): its RPC providers and coSigner.privateKey (see README, Co-signers)")
    .option('--database-url <url>', "the co-signer's own PostgreSQL (never the hub's); default PGlite in --data-dir")
    .option('--data-dir <dir>', 'PGlite data directory when --database-url is not given', '.unimargin/cosigner')
    .option('--port <port>', 'HTTP port', port, 8801)
    .addOption(logFormatOption())
    .action(async (options: { config: string; databaseUrl?: string; dataDir: string; port: number; logFormat?: LogFormat }) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      const { startCoSigner } = await import('@unimargin/cosigner')
      const logger = createNodeLogger({ format: options.logFormat })
      const config = await loadConfigFile(options.config)
      const database = await createDatabase({ url: options.databaseUrl, dataDir: options.dataDir })
      const coSigner = await startCoSigner({ config, db: database.db, logger, port: options.port })
      logger.info({ url: coSigner.url, signer: coSigner.signer }, 'Co-signer ready')
      const shutdown = async () => {
        await coSigner.stop()
        await database.close()
        process.exit(0)
      }
      process.once('SIGINT', shutdown)
      process.once('SIGTERM', shutdown)
    })
}
