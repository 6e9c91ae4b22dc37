import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Address, Hash, Hex } from 'viem'
import { z } from 'zod'
import { DeployError } from './errors.js'

const entrySchema = z.strictObject({
  /** `pending`: the creation is about to be or has been sent from `nonce`; `deployed`: mined with code at `address` */
  status: z.enum(['pending', 'deployed']),
  contract: z.string(),
  chainId: z.number().int(),
  /** the deployer's nonce of the creation, hence the address (CREATE: keccak(rlp(deployer, nonce))) */
  nonce: z.number().int().min(0),
  address: z.string(),
  /** keccak256 of the ABI-encoded constructor arguments */
  argsHash: z.string(),
  txHash: z.string().optional(),
  blockNumber: z.string().optional(),
})

const stateSchema = z.strictObject({
  network: z.string(),
  deployer: z.string(),
  /** by step id (`hub`, `vault:<chain>`) */
  contracts: z.record(z.string(), entrySchema),
})

/** What the deploy recorded of one step. */
export interface DeployedEntry {
  status: 'pending' | 'deployed'
  contract: string
  chainId: number
  nonce: number
  address: Address
  argsHash: Hex
  txHash?: Hash
  /** decimal */
  blockNumber?: string
}

/** The state file of a network: what was deployed, by step id. */
export interface DeploymentState {
  network: string
  deployer: Address
  contracts: Record<string, DeployedEntry>
}

/**
 * Reads `deployments/<network>.json`, or an empty state when the file does not exist.
 * @throws {DeployError} if the file is not a state file, or belongs to another network or deployer.
 */
export function readState(file: string, network: string, deployer: Address): DeploymentState {
  if (!existsSync(file)) return { network, deployer, contracts: {} }
  let parsed: z.output<typeof stateSchema>
  try {
    parsed = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch (error) {
    throw new DeployError(`${file} is not a deployment state file: ${(error as Error).message.split('\n')[0]}`, { file }, { cause: error })
  }
  if (parsed.network !== network) throw new DeployError(`${file} records network ${parsed.network}, not ${network}.`, { file })
  if (parsed.deployer.toLowerCase() !== deployer.toLowerCase())
    throw new DeployError(`${file} was written by deployer ${parsed.deployer}, not ${deployer}; addresses follow the deployer's nonces.`, { file })
  return parsed as DeploymentState
}

/** Writes the state atomically (a temporary file renamed over the old one), so a crash leaves the previous or the new state. */
export function writeState(file: string, state: DeploymentState): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(tmp, file)
}
