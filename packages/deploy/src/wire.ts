import { LzEndpointV2, MarginVault } from '@unimargin/contracts'
import type { Address, Hash, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { connect, type NetworkContexts } from './clients.js'
import { confirm, type DeployContext } from './context.js'
import { deployedAddresses } from './deploy.js'
import { DeployError } from './errors.js'
import type { DeploymentSpec } from './spec.js'
import { readState } from './state.js'
import { calldataOf, type WiringCall, type WiringItem, wantedWiring } from './wiring.js'

/**
 * What wiring did with one setting: `ok` (already as wanted), `sent`, `would send` (dry run), `needs owner` (the
 * deployer is no longer the owner or delegate: `to` and `data` are printed for the one who is), `fixed` (set at
 * construction and different: only a new deployment changes it).
 */
export type WireStatus = 'ok' | 'sent' | 'would send' | 'needs owner' | 'fixed'

/** One line of the wiring report. */
export interface WireRow {
  chain: string
  contract: string
  address: Address
  setting: string
  current: string
  wanted: string
  status: WireStatus
  txHash?: Hash
  /** for `needs owner`: who must send `data` to `to` */
  owner?: Address
  to?: Address
  data?: Hex
}

/** Options of {@link wireNetwork}. */
export interface WireOptions {
  /** the state file `unimargin deploy` wrote */
  stateFile: string
  /** print the difference only */
  dryRun?: boolean
  contexts?: NetworkContexts
}

/**
 * Reads every setting of the wanted wiring ({@link wantedWiring}) on-chain, compares it with the spec and sends only
 * the settings that differ, one transaction each, in order, re-reading each after its transaction. A second run on
 * an unchanged spec sends nothing.
 * @returns one row per setting.
 * @throws {DeployError} if a contract is not deployed yet, a transaction reverts, or a setting still differs after
 *   its transaction.
 */
export async function wireNetwork(spec: DeploymentSpec, options: WireOptions): Promise<WireRow[]> {
  const deployer = privateKeyToAddress(spec.deployer.privateKey)
  const contexts = options.contexts ?? (await connect(spec))
  const deployed = deployedAddresses(spec, readState(options.stateFile, spec.network, deployer))
  const rows: WireRow[] = []
  for (const item of wantedWiring(spec, deployed, deployer)) {
    const ctx = contexts.get(item.chain)
    if (!ctx) throw new DeployError(`no client for chain ${item.chain}.`, { chain: item.chain })
    const current = await item.read(ctx)
    const row = { chain: item.chain, contract: item.contract, address: item.address, setting: item.setting, current, wanted: item.wanted }
    if (current === item.wanted) {
      rows.push({ ...row, status: 'ok' })
      continue
    }
    if (!item.set) {
      rows.push({ ...row, status: 'fixed' })
      continue
    }
    const authority = await authorityOf(ctx, item.set)
    if (authority.toLowerCase() !== deployer.toLowerCase()) {
      rows.push({ ...row, status: 'needs owner', owner: authority, to: item.set.to, data: calldataOf(item.set) })
      continue
    }
    if (options.dryRun) {
      rows.push({ ...row, status: 'would send' })
      continue
    }
    rows.push({ ...row, status: 'sent', txHash: await send(ctx, item) })
  }
  return rows
}

async function authorityOf(ctx: DeployContext, call: WiringCall): Promise<Address> {
  if (call.needs.role === 'owner') return ctx.publicClient.readContract({ address: call.needs.of, abi: MarginVault.abi, functionName: 'owner' })
  return ctx.publicClient.readContract({ address: call.needs.endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [call.needs.of] })
}

async function send(ctx: DeployContext, item: WiringItem): Promise<Hash> {
  const call = item.set!
  const what = `${item.contract}.${item.setting} on ${item.chain}`
  const hash = await ctx.walletClient.writeContract({ address: call.to, abi: call.abi, functionName: call.functionName, args: call.args } as never)
  await confirm(ctx, hash, what)
  const now = await item.read(ctx)
  if (now !== item.wanted) throw new DeployError(`${what} reads ${now} after tx ${hash}, not ${item.wanted}.`, { hash })
  return hash
}
