import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Address, Hex } from 'viem'
import type { ChainAddresses } from '../deploy/index.js'

/** What a cached deployment records beside each chain's anvil state. */
export interface Manifest {
  key: string
  chains: { chainId: number; wormholeChainId: number; addresses: ChainAddresses; startBlock: string }[]
  hub: Address
  /** the VaultRegistry on the hub chain and its deployment block (decimal) */
  registry: { address: Address; deploymentBlock: string }
}

const FORMAT = 1

/** Cache key of a deployed state: changes with the contracts' artifacts or any option that shapes the state. */
export function stateKey(input: { artifactsHash: string; chains: number; guardianCount: number; timelockDelaySeconds: number; manifest: number }): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, ...input }))
    .digest('hex')
    .slice(0, 16)
}

/** Paths of the cached files for `key` under `stateDir`. */
export function statePaths(stateDir: string, key: string) {
  const dir = join(stateDir, key)
  return { dir, manifest: join(dir, 'manifest.json'), chain: (i: number) => join(dir, `chain-${i}.json`) }
}

/** The manifest for `key`, or undefined when no complete cached state exists (the manifest is written last). */
export function readManifest(stateDir: string, key: string): Manifest | undefined {
  const paths = statePaths(stateDir, key)
  if (!existsSync(paths.manifest)) return undefined
  const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8')) as Manifest
  if (manifest.key !== key || !manifest.chains.every((_, i) => existsSync(paths.chain(i)))) return undefined
  return manifest
}

/**
 * Writes one anvil state per chain (as returned by `anvil_dumpState`: gzipped JSON, hex) and then the
 * manifest, each via a temporary file and a rename so a concurrent reader never sees a partial cache.
 */
export function writeState(stateDir: string, manifest: Manifest, dumps: Hex[]): void {
  const paths = statePaths(stateDir, manifest.key)
  mkdirSync(paths.dir, { recursive: true })
  for (const [i, dump] of dumps.entries()) atomicWrite(paths.chain(i), decodeDump(dump))
  atomicWrite(paths.manifest, JSON.stringify(manifest, null, 2))
}

/** anvil_dumpState returns hex of gzipped JSON; `--load-state` wants the JSON. */
export function decodeDump(dump: Hex): Buffer {
  return gunzipSync(Buffer.from(dump.slice(2), 'hex'))
}

function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(tmp, data)
  renameSync(tmp, path)
}
