import type { Command } from 'commander'
import { DATA_DIR_HELP, DEFAULT_DATA_DIR } from '../options.js'

/** `unimargin commands list|retry|burn`: inspect, retry and burn outbox commands. */
export function addCommandsCommand(program: Command): Command {
  const commands = program.command('commands').description('Inspect, retry and burn outbox commands (operator; uses DATABASE_URL or --data-dir).')
  commands
    .command('list')
    .description('List commands by state, newest first.')
    .option('--state <states>', 'comma-separated states', 'dead,failed')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .action(async (options: { state: string; dataDir: string }) => {
      const { createDatabase } = await import('@unimargin/db')
      const { listCommands } = await import('../../operator/commands.js')
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const rows = await listCommands(
          database.db,
          options.state.split(',').map((s) => s.trim()),
        )
        if (rows.length === 0) console.log(`No commands in state ${options.state}.`)
        for (const r of rows) console.log(`${r.id}  ${r.kind.padEnd(17)} chain ${r.destChainId}  ${r.state.padEnd(8)} attempts ${r.attempts}  ${r.lastError ?? ''}`)
      } finally {
        await database.close()
      }
    })
  commands
    .command('retry')
    .description('Put a dead-lettered command back in the relayer queue.')
    .argument('<id>', 'command id (0x…)')
    .requiredOption('--reason <text>', 'why it is retried (recorded in its history)')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .action(async (id: string, options: { reason: string; dataDir: string }) => {
      const { createDatabase } = await import('@unimargin/db')
      const { retryDeadCommand } = await import('../../operator/commands.js')
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        await retryDeadCommand(database.db, id, options.reason)
        console.log(`Command ${id} is queued again.`)
      } finally {
        await database.close()
      }
    })
  commands
    .command('burn')
    .description(
      "Remove a dead-lettered command's verified LayerZero packets from the destination endpoint so they can never execute " +
        "(EndpointV2 burn, or clear when no later packet has executed), signed by the vault's delegate key from UNIMARGIN_DELEGATE_KEY. " +
        "When the delegate is the vault's timelock, that key must be its proposer: the first run schedules the removal, a run after the delay executes it.",
    )
    .argument('<id>', 'command id (0x…)')
    .requiredOption('-c, --config <file>', 'configuration file, unimargin.config.ts or JSON (chains, RPC URLs, LayerZero contracts)')
    .requiredOption('--reason <text>', 'why it is burnt (recorded in its history)')
    .option('--data-dir <dir>', DATA_DIR_HELP, DEFAULT_DATA_DIR)
    .action(async (id: string, options: { config: string; reason: string; dataDir: string }) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      const delegateKey = process.env.UNIMARGIN_DELEGATE_KEY
      if (!delegateKey || !/^0x[0-9a-fA-F]{64}$/.test(delegateKey)) {
        console.error("Set UNIMARGIN_DELEGATE_KEY to the private key of the vault's delegate on the endpoint, or of its timelock's proposer; the relayer's key is not used.")
        process.exitCode = 1
        return
      }
      const { burnDeadPacket } = await import('../../operator/burn.js')
      const config = await loadConfigFile(options.config)
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      try {
        const packets = await burnDeadPacket({ db: database.db, config, commandId: id, delegateKey: delegateKey as `0x${string}`, reason: options.reason })
        for (const p of packets)
          console.log(
            p.action === 'scheduled'
              ? `nonce ${p.nonce}  scheduled ${p.note} (tx ${p.tx}); run again from ${new Date(Number(p.readyAt) * 1000).toISOString()}`
              : `nonce ${p.nonce}  ${p.action.padEnd(7)} ${p.tx ?? p.note ?? ''}`,
          )
      } finally {
        await database.close()
      }
    })
  return commands
}
