import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { tableStyle } from '../tableStyle.js'
import type { DeployRow, DeploymentSpec, WireRow } from '@unimargin/deploy'

/** Where the state of `spec`'s network is kept: `--state`, else `deployments/<network>.json` beside the spec file. */
export function stateFileOf(specFile: string, spec: DeploymentSpec, state?: string): string {
  return state ? resolve(state) : join(dirname(resolve(specFile)), 'deployments', `${spec.network}.json`)
}

const short = (h?: string) => (h ? `${h.slice(0, 10)}…` : '')

/** The deploy report as a table: step, chain, contract, address, what happened, transaction and block. */
export async function formatDeploy(rows: DeployRow[], dryRun: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3')
  const table = new Table({ head: ['step', 'chain', 'contract', 'address', 'status', 'tx', 'block'], ...tableStyle() })
  for (const r of rows) table.push([r.step, r.chain, r.contract, r.address, r.status, short(r.txHash), r.blockNumber ?? ''])
  const deployed = rows.filter((r) => r.status === 'deployed').length
  const planned = rows.filter((r) => r.status === 'would deploy').length
  const summary = dryRun ? `Dry run: ${planned} to deploy, ${rows.length - planned} already there; nothing sent.` : `${deployed} deployed, ${rows.length - deployed} already there.`
  return `${table.toString()}\n${summary}`
}

/** The wiring report: every setting with its current and wanted value and what was done, then the calls left to an owner. */
export async function formatWire(rows: WireRow[], dryRun: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3')
  const table = new Table({ head: ['chain', 'contract', 'setting', 'current', 'wanted', 'status', 'tx'], ...tableStyle() })
  for (const r of rows) table.push([r.chain, r.contract, r.setting, r.current, r.status === 'ok' ? '=' : r.wanted, r.status, short(r.txHash)])
  const count = (s: WireRow['status']) => rows.filter((r) => r.status === s).length
  const lines = [table.toString()]
  for (const r of rows.filter((x) => x.status === 'needs owner')) lines.push(`${r.contract}.${r.setting} on ${r.chain}: ${r.owner} must send to ${r.to} data ${r.data}`)
  for (const r of rows.filter((x) => x.status === 'fixed'))
    lines.push(`${r.contract}.${r.setting} on ${r.chain} is fixed at construction (${r.current}); only a new deployment sets ${r.wanted}`)
  lines.push(
    dryRun
      ? `Dry run: ${count('would send')} to send, ${count('ok')} as wanted; nothing sent.`
      : `${count('sent')} sent, ${count('ok')} already as wanted${count('needs owner') ? `, ${count('needs owner')} left to the owner` : ''}${count('fixed') ? `, ${count('fixed')} fixed and different` : ''}.`,
  )
  return lines.join('\n')
}

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)

/** Adds `deploy` and `wire` to the program. */
export function addDeployCommands(program: Command): void {
  program
    .command('deploy')
    .description(
      'Deploy MarginHub and a MarginVault per chain from a deployment spec; idempotent and resumable (records what it deployed in deployments/<network>.json). Wire them with `unimargin wire`.',
    )
    .requiredOption('-c, --config <file>', 'deployment spec (JSON or TypeScript; see README, Deploying to a network)')
    .option('--state <file>', 'state file (default: deployments/<network>.json beside the spec)')
    .option('--dry-run', 'print what would be deployed; send nothing')
    .option('--json', 'print the rows as JSON')
    .action(async (options: { config: string; state?: string; dryRun?: boolean; json?: boolean }) => {
      const { deployNetwork, loadDeploymentFile } = await import('@unimargin/deploy')
      const spec = await loadDeploymentFile(options.config)
      const rows = await deployNetwork(spec, { stateFile: stateFileOf(options.config, spec, options.state), dryRun: options.dryRun })
      console.log(options.json ? json(rows) : await formatDeploy(rows, options.dryRun ?? false))
    })

  program
    .command('wire')
    .description(
      "Compare the spec's wanted wiring (LayerZero peers, libraries, DVN and executor configs, listed assets, limits, guardian, owners) with what is on-chain and send only the difference. Exits 1 when a difference is left to an owner or fixed at construction.",
    )
    .requiredOption('-c, --config <file>', 'deployment spec')
    .option('--state <file>', 'state file written by `unimargin deploy` (default: deployments/<network>.json beside the spec)')
    .option('--dry-run', 'print the difference; send nothing')
    .option('--json', 'print the rows as JSON')
    .action(async (options: { config: string; state?: string; dryRun?: boolean; json?: boolean }) => {
      const { loadDeploymentFile, wireNetwork } = await import('@unimargin/deploy')
      const spec = await loadDeploymentFile(options.config)
      const rows = await wireNetwork(spec, { stateFile: stateFileOf(options.config, spec, options.state), dryRun: options.dryRun })
      console.log(options.json ? json(rows) : await formatWire(rows, options.dryRun ?? false))
      if (rows.some((r) => r.status === 'needs owner' || r.status === 'fixed')) process.exitCode = 1
    })
}
