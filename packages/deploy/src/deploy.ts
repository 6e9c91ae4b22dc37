import { type Address, encodeDeployData, getAddress, getContractAddress, type Hash, type Hex, keccak256 } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { connect, type NetworkContexts } from './clients.js'
import type { DeployContext } from './context.js'
import { DeployError } from './errors.js'
import type { DeploymentSpec } from './spec.js'
import { type DeployedEntry, type DeploymentState, readState, writeState } from './state.js'
import { deploySteps } from './steps.js'

/** What one step did: `deployed` now, `already there` (recorded, with code), `resumed` (a creation sent by an earlier run, found mined), `would deploy` (dry run). */
export type DeployStatus = 'deployed' | 'already there' | 'resumed' | 'would deploy'

/** One line of the deploy's report. */
export interface DeployRow {
  step: string
  chain: string
  contract: string
  address: Address
  status: DeployStatus
  txHash?: Hash
  /** decimal */
  blockNumber?: string
}

/** Options of {@link deployNetwork}. */
export interface DeployOptions {
  /** the state file, `deployments/<network>.json` */
  stateFile: string
  /** print the plan only: nothing is sent and the state file is not written */
  dryRun?: boolean
  /** clients per chain name (default: {@link connect} to the spec's RPC URLs) */
  contexts?: NetworkContexts
}

/**
 * Deploys what `spec` names that the state file does not record, in {@link deploySteps} order, with the deployer's
 * key. Idempotent and resumable: each creation is recorded as `pending` with its nonce and address (CREATE's, derived
 * from the deployer and nonce) before it is sent and as `deployed` with its transaction and block once mined, the file
 * rewritten atomically after each; a re-run checks the recorded contracts have code and skips them, and adopts a
 * pending creation that was mined meanwhile.
 * @returns one row per step.
 * @throws {DeployError} if a recorded contract has no code (another chain, or a reset one), was deployed with other
 *   constructor arguments than the spec now asks, or a creation reverts.
 */
export async function deployNetwork(spec: DeploymentSpec, options: DeployOptions): Promise<DeployRow[]> {
  const deployer = privateKeyToAddress(spec.deployer.privateKey)
  const contexts = options.contexts ?? (await connect(spec))
  const state = readState(options.stateFile, spec.network, deployer)
  const save = () => {
    if (!options.dryRun) writeState(options.stateFile, state)
  }
  const planned = new Map<string, Address>()
  const nextNonce = new Map<string, number>()
  const rows: DeployRow[] = []
  const addressOf = (id: string): Address => {
    const a = planned.get(id)
    if (!a) throw new DeployError(`step ${id} has no address yet; steps are out of order.`, { id })
    return a
  }
  for (const step of deploySteps(spec)) {
    const ctx = contexts.get(step.chain)
    if (!ctx) throw new DeployError(`no client for chain ${step.chain}.`, { chain: step.chain })
    const built = step.build(addressOf, deployer)
    const data = encodeDeployData({ abi: built.abi, bytecode: built.bytecode, args: built.args as never })
    const argsHash = keccak256(`0x${data.slice(built.bytecode.length)}` as Hex)
    const entry = state.contracts[step.id]
    const row = (status: DeployStatus, e: { address: Address; txHash?: Hash; blockNumber?: string }): DeployRow => ({
      step: step.id,
      chain: step.chain,
      contract: built.contract,
      ...e,
      status,
    })

    if (entry && entry.argsHash !== argsHash)
      throw new DeployError(`${step.id} (${entry.contract} at ${entry.address}) was deployed with other constructor arguments than the spec now gives.`, entry as unknown as Record<string, unknown>, {
        metaMessages: ['A contract is not changed in place: restore the spec, or move its entry out of the state file to deploy a new one.'],
      })
    if (entry?.status === 'deployed') {
      if (!(await hasCode(ctx, entry.address)))
        throw new DeployError(`${step.id} is recorded at ${entry.address} on ${step.chain} but there is no code there.`, { address: entry.address }, {
          metaMessages: ['Is the RPC URL the right chain? A chain that was reset needs its state file moved away.'],
        })
      planned.set(step.id, entry.address)
      rows.push(row('already there', entry))
      continue
    }
    if (entry?.status === 'pending') {
      const resumed = await resumePending(ctx, entry)
      if (resumed) {
        state.contracts[step.id] = resumed
        save()
        planned.set(step.id, resumed.address)
        rows.push(row('resumed', resumed))
        continue
      }
    }

    const nonce = nextNonce.get(step.chain) ?? (await ctx.publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' }))
    nextNonce.set(step.chain, nonce + 1)
    const address = getContractAddress({ from: deployer, nonce: BigInt(nonce) })
    planned.set(step.id, address)
    if (options.dryRun) {
      rows.push(row('would deploy', { address }))
      continue
    }
    const pending: DeployedEntry = { status: 'pending', contract: built.contract, chainId: ctx.publicClient.chain.id, nonce, address, argsHash }
    state.contracts[step.id] = pending
    save()
    const txHash = await ctx.walletClient.deployContract({ abi: built.abi, bytecode: built.bytecode, args: built.args as never, nonce })
    pending.txHash = txHash
    save()
    const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash: txHash, pollingInterval: 100, timeout: 120_000 })
    if (receipt.status !== 'success' || !receipt.contractAddress)
      throw new DeployError(`${built.contract} creation reverted on ${step.chain} (tx ${txHash}).`, { txHash, chain: step.chain })
    if (getAddress(receipt.contractAddress) !== address)
      throw new DeployError(`${built.contract} landed at ${receipt.contractAddress}, not at ${address} (nonce ${nonce}).`, { txHash })
    const done: DeployedEntry = { ...pending, status: 'deployed', blockNumber: receipt.blockNumber.toString() }
    state.contracts[step.id] = done
    save()
    rows.push(row('deployed', done))
  }
  return rows
}

async function hasCode(ctx: DeployContext, address: Address): Promise<boolean> {
  const code = await ctx.publicClient.getCode({ address })
  return code !== undefined && code !== '0x'
}

/**
 * A creation an earlier run recorded as pending: mined (code at its address) → the deployed entry; its transaction
 * still known to the node → waits for it; otherwise undefined (it never went out, or its nonce went to another
 * transaction), and the step is sent again.
 */
async function resumePending(ctx: DeployContext, entry: DeployedEntry): Promise<DeployedEntry | undefined> {
  if (entry.txHash) {
    const receipt = await ctx.publicClient.getTransactionReceipt({ hash: entry.txHash }).catch(() => undefined)
    const mined =
      receipt ??
      (await ctx.publicClient
        .getTransaction({ hash: entry.txHash })
        .then(() => ctx.publicClient.waitForTransactionReceipt({ hash: entry.txHash!, pollingInterval: 100, timeout: 120_000 }))
        .catch(() => undefined))
    if (mined?.status === 'success' && mined.contractAddress && getAddress(mined.contractAddress) === entry.address)
      return { ...entry, status: 'deployed', blockNumber: mined.blockNumber.toString() }
  }
  if (await hasCode(ctx, entry.address)) return { ...entry, status: 'deployed' }
  return undefined
}

/** The deployed address of each step, for wiring. @throws {DeployError} if a step the spec names is not deployed yet. */
export function deployedAddresses(spec: DeploymentSpec, state: DeploymentState): { hub: Address; vaults: Map<string, Address> } {
  const get = (id: string) => {
    const e = state.contracts[id]
    if (e?.status !== 'deployed') throw new DeployError(`${id} is not deployed yet: run unimargin deploy first.`, { id })
    return e.address
  }
  return { hub: get('hub'), vaults: new Map(spec.chains.map((c) => [c.name, get(`vault:${c.name}`)])) }
}
