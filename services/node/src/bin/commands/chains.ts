import { type Command, InvalidArgumentError } from 'commander'
import { DATA_DIR_HELP, DEFAULT_DATA_DIR } from '../options.js'

const chainIdArgument = (v: string) => {
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive chain id')
  return n
}

/** `unimargin chains list|resume`: the watched chains' checkpoints and halts, and resuming a chain halted by a reorg. */
export function addChainsCommand(program: Command): Command {
  const chains = program
    .command('chains')
    .description('Chains the hub watches: checkpoints, halts, and resuming a chain halted by a reorg (operator; uses DATABASE_URL or --data-dir).')
  chains
    .command('list')
    .description('List every configured chain: id, name, watcher checkpoint, last seen head, halt reason.')
    .requiredOption('-c, --config <file>', 'configuration file (unimargin.config.ts or JSON) the node runs with')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--json', 'print the chains as JSON')
    .action(async (options: { config: string; dataDir: string; json?: boolean }) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      const { listChains } = await import('../../operator/chains.js')
      const { formatChains, toJson } = await import('../../operator/rebuild.js')
      const config = await loadConfigFile(options.config)
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const list = await listChains(database.db, config)
        console.log(options.json ? toJson(list) : formatChains(list).join('\n'))
      } finally {
        await database.close()
      }
    })
  chains
    .command('resume')
    .description(
      'After review, bring back a chain halted by a reorg beyond its finality, in one transaction: find the fork point, remove the orphaned chain events ' +
        '(kept in reorg_removals), rebuild the derived state from the remaining inputs (commands already sent are kept), move the checkpoint before the fork and clear the halt. ' +
        'A node running on the same PostgreSQL resumes the chain by itself.',
    )
    .argument('<chainId>', 'EVM chain id', chainIdArgument)
    .requiredOption('-c, --config <file>', "configuration file (unimargin.config.ts or JSON) the node runs with (the chain's RPC URLs)")
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .option('--force', 'resume a chain that is not halted (re-checks its stored blocks and rebuilds all the same)')
    .option('--reason <text>', 'recorded with every removed row (default: the halt reason)')
    .option('--json', 'print the result as JSON')
    .action(async (chainId: number, options: { config: string; dataDir: string; force?: boolean; reason?: string; json?: boolean }) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      const { resumeChain } = await import('../../operator/chains.js')
      const { formatResume, toJson } = await import('../../operator/rebuild.js')
      const config = await loadConfigFile(options.config)
      if (!config.chains.some((c) => c.chainId === chainId)) throw new InvalidArgumentError(`chain ${chainId} is not in ${options.config}`)
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const result = await resumeChain({ db: database.db, config, chainId, force: options.force, reason: options.reason })
        console.log(options.json ? toJson(result) : formatResume(result).join('\n'))
      } finally {
        await database.close()
      }
    })
  return chains
}
