import type { Command } from 'commander'
import { createNodeLogger } from '../../logger.js'
import { parseLayerZeroChains, port } from '../options.js'

/** `unimargin devnet up`: the local devnet (chains, contracts, co-signers) on its own, until Ctrl-C. */
export function addDevnetCommand(program: Command): Command {
  const devnet = program.command('devnet').description('The local devnet on its own.')
  devnet
    .command('up')
    .description(
      'Start 3 anvil chains with every contract deployed and the co-signer processes, write the generated configuration, and keep them up until Ctrl-C; run a node on it with `unimargin start -c <work-dir>/devnet.json`.',
    )
    .option('--base-port <port>', 'RPC port of the first chain (the others follow)', port, 8545)
    .option('--cosigner-port <port>', "the first co-signer's API port (the others follow)", port, 8788)
    .option('--layerzero <chains>', 'comma-separated chain numbers (1-3) reached over LayerZero v2 instead of Wormhole; "none" for none', parseLayerZeroChains, [3])
    .option('--work-dir <dir>', 'where the devnet cache, co-signer files and devnet.json go', '.unimargin')
    .action(async (options: { basePort: number; cosignerPort: number; layerzero: number[]; workDir: string }) => {
      const { devnetUp, untilSignal } = await import('../../devnet/up.js')
      const logger = createNodeLogger({ level: process.env.LOG_LEVEL ?? 'warn' })
      const network = await devnetUp({ basePort: options.basePort, coSignerBasePort: options.cosignerPort, layerZeroChains: options.layerzero, workDir: options.workDir, logger })
      for (const c of network.devnet.chains) console.log(`chain ${c.name} (id ${c.chainId}): ${c.rpcUrl}`)
      console.log(`co-signers: ${(network.config.coSigners?.urls ?? []).join(', ')}`)
      console.log(`configuration: ${network.configFile}`)
      console.log(`Devnet up. Run a node on it: unimargin start -c ${network.configFile}. Ctrl-C stops the chains and co-signers.`)
      await untilSignal()
      await network.stop()
      console.log('Devnet stopped.')
    })
  return devnet
}
