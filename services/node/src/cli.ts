import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { addAccountCommand } from './bin/commands/account.js'
import { addBacktestCommand } from './bin/commands/backtest.js'
import { addChainsCommand } from './bin/commands/chains.js'
import { addCommandsCommand } from './bin/commands/commands.js'
import { addCosignCommand } from './bin/commands/cosign.js'
import { addDevCommand } from './bin/commands/dev.js'
import { addDevnetCommand } from './bin/commands/devnet.js'
import { addEscapeCommand } from './bin/commands/escape.js'
import { addMigrateCommand } from './bin/commands/migrate.js'
import { addPm2Command } from './bin/commands/pm2.js'
import { addRebuildCommand } from './bin/commands/rebuild.js'
import { addStartCommand } from './bin/commands/start.js'
import { addStatusCommand } from './bin/commands/status.js'
import { addStressCommand } from './bin/commands/stress.js'
import { addDeployCommands } from './operator/deploy.js'

/**
 * The `unimargin` program: one file per command under `bin/commands/`, each exporting the function that adds it;
 * the order here is the order of `unimargin --help`. Usage errors throw (bin.ts maps them to exit code 64, see
 * exitCodes.ts) instead of exiting 1 from inside commander; subcommands inherit this from the program.
 */
export const program = new Command('unimargin').description('Cross-chain unified margin: hub node and local devnet.')
program.exitOverride()
program.version((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)

for (const add of [
  addDevCommand,
  addDevnetCommand,
  addDeployCommands,
  addStressCommand,
  addBacktestCommand,
  addStartCommand,
  addCosignCommand,
  addMigrateCommand,
  addStatusCommand,
  addAccountCommand,
  addEscapeCommand,
  addCommandsCommand,
  addRebuildCommand,
  addChainsCommand,
  addPm2Command,
])
  add(program)
