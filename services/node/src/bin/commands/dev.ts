import { type Command, Option } from 'commander'
import { parseLayerZeroChains, port } from '../options.js'

type DevOptions = {
  pace: number
  apiPort: number
  basePort: number
  marginMode: 'portfolio' | 'tiered' | 'isolated' | 'span' | 'linear'
  layerzero: number[]
  keepRunning?: boolean
  workDir: string
  operatorApiKey?: string
}

/** `unimargin dev`: the local multi-chain demo (3 anvil chains, embedded PGlite) replaying the FTX week. */
export function addDevCommand(program: Command): Command {
  return program
    .command('dev')
    .description('Boot 3 local chains, every service on embedded PGlite, and replay the FTX-week demo scenario.')
    .option('--pace <ms>', 'wall-clock milliseconds per replayed hour of prices', (v) => Number.parseInt(v, 10), 300)
    .option('--api-port <port>', 'HTTP API port', port, 8787)
    .option('--base-port <port>', 'RPC port of the first chain (the others follow)', port, 8545)
    .addOption(new Option('--margin-mode <mode>', 'margin model of the hub').choices(['portfolio', 'tiered', 'isolated', 'span', 'linear']).default('portfolio'))
    .option('--layerzero <chains>', 'comma-separated chain numbers (1-3) reached over LayerZero v2 instead of Wormhole; "none" for none', parseLayerZeroChains, [3])
    .option('--work-dir <dir>', 'where the devnet cache, generated config and logs go', '.unimargin')
    .option('--operator-api-key <key>', "the operators' API key the node accepts (the dashboard's account list); default a random one, printed")
    .option('--keep-running', 'after the scenario, keep the chains, co-signers and node up (for status, account, the API) until Ctrl-C')
    .action(async (options: DevOptions) => {
      const { runDemo } = await import('../../demo/index.js')
      const code = await runDemo({
        paceMs: options.pace,
        apiPort: options.apiPort,
        basePort: options.basePort,
        marginMode: options.marginMode,
        layerZeroChains: options.layerzero,
        keepRunning: options.keepRunning ?? false,
        workDir: options.workDir,
        ...(options.operatorApiKey ? { operatorApiKey: options.operatorApiKey } : {}),
      })
      process.exit(code)
    })
}
