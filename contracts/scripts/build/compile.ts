import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
// solc is CommonJS and has no types; its wrapper exposes compile() and version().
const solc = require('solc') as { compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string; version(): string }

/** One compiled contract: its ABI and creation bytecode. */
export interface CompiledContract {
  name: string
  source: string
  abi: unknown[]
  bytecode: `0x${string}`
}

/** Thrown when solc reports errors; the message lists them formatted. */
export class SolcError extends Error {
  override name = 'SolcError'
}

export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const

/**
 * Compiles `sources` (keyed by source unit name) with the pinned npm solc, resolving imports from node_modules.
 * Output is cached in `cacheDir` by a hash of every source actually read, the solc version and the settings.
 * @returns every deployable contract (non-empty bytecode) and the cache key.
 * @throws {SolcError} when solc reports an error.
 */
export function compile(sources: Record<string, string>, cacheDir: string): { contracts: CompiledContract[]; hash: string } {
  const input = JSON.stringify({
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, content]) => [k, { content }])),
    settings: SOLC_SETTINGS,
  })
  const hash = createHash('sha256').update(solc.version()).update(input).update(dependencyStamp()).digest('hex').slice(0, 16)
  const cacheFile = join(cacheDir, `solc-${hash}.json`)
  if (existsSync(cacheFile)) return { contracts: JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledContract[], hash }

  const output = JSON.parse(solc.compile(input, { import: resolveImport })) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new SolcError(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`)

  const contracts: CompiledContract[] = []
  for (const [source, byName] of Object.entries(output.contracts ?? {}))
    for (const [name, c] of Object.entries(byName))
      if (c.evm.bytecode.object.length > 0) contracts.push({ name, source, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` })

  mkdirSync(cacheDir, { recursive: true })
  writeFileSync(cacheFile, JSON.stringify(contracts))
  return { contracts, hash }
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[]
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
}

function resolveImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') }
  } catch {
    return { error: `Source ${path} not found in node_modules` }
  }
}

/** Packages whose Solidity sources are imported; their versions key the cache. */
const SOLIDITY_DEPENDENCIES = ['@openzeppelin/contracts', '@layerzerolabs/lz-evm-protocol-v2', '@layerzerolabs/lz-evm-messagelib-v2', '@layerzerolabs/lz-evm-oapp-v2']

/** Versions of the imported packages, so a dependency upgrade invalidates the cache. */
function dependencyStamp(): string {
  return SOLIDITY_DEPENDENCIES.map((name) => {
    const pkg = JSON.parse(readFileSync(join(dirname(require.resolve(`${name}/package.json`)), 'package.json'), 'utf8')) as { version: string }
    return `${name}@${pkg.version}`
  }).join(',')
}
