import { type Command, InvalidArgumentError } from 'commander'
import { DATA_DIR_HELP, DEFAULT_DATA_DIR } from '../options.js'

/** `unimargin escape proof <account>`: an account's escape-hatch claims under the newest checkpoint. */
export function addEscapeCommand(program: Command): Command {
  const escapeCommand = program.command('escape').description("Escape hatch: exit arguments stored with the hub's checkpoints (uses DATABASE_URL or --data-dir).")
  escapeCommand
    .command('proof')
    .description("Print, per vault and asset, the account's MarginVault.claimEscape arguments and Merkle proof under the newest checkpoint.")
    .argument('<account>', 'account address (0x…)')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--json', 'print the claims as JSON (the shape of GET /v1/accounts/:address/escape)')
    .action(async (account: string, options: { dataDir: string; json?: boolean }) => {
      const { createDatabase } = await import('@unimargin/db')
      const { isAddress, getAddress } = await import('viem')
      if (!isAddress(account, { strict: false })) throw new InvalidArgumentError(`${account} is not a 20-byte 0x address`)
      const { loadEscapeClaims } = await import('@unimargin/aggregator')
      const { escapeClaimJson, formatEscapeClaims } = await import('../../operator/escape.js')
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const claims = await loadEscapeClaims(database.db, getAddress(account))
        console.log(
          options.json
            ? JSON.stringify({ account: getAddress(account), claims: claims.map(escapeClaimJson) }, null, 2)
            : formatEscapeClaims(getAddress(account), claims).join('\n'),
        )
      } finally {
        await database.close()
      }
    })
  return escapeCommand
}
