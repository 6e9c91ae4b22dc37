/**
 * Builds @unimargin/contracts: compiles `src/**\/*.sol` (plus OpenZeppelin's ERC1967Proxy and TimelockController) with the pinned solc,
 * adds the Wormhole core Implementation and Setup and LayerZero's shipped EndpointV2, SendUln302 and ReceiveUln302,
 * and writes typed artifacts to `artifacts/`.
 * Caches in `cache/`. Run with `pnpm build` (tsx scripts/build.ts).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compile } from './build/compile.js'
import { emitArtifacts, listSolidity } from './build/emit.js'
import { layerZeroProtocol } from './build/layerzero.js'
import { wormholeCore, wormholeSetup } from './build/wormhole.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const srcDir = join(root, 'src')
const cacheDir = join(root, 'cache')

/** Contracts compiled from dependencies because the devnet deploys them. */
const EXTRA_SOURCES = ['@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol', '@openzeppelin/contracts/governance/TimelockController.sol']
const EXTRA_CONTRACTS = new Set(['ERC1967Proxy', 'TimelockController'])

const started = performance.now()
const sources: Record<string, string> = {}
for (const file of listSolidity(srcDir)) sources[`src/${file}`] = readFileSync(join(srcDir, file), 'utf8')
for (const path of EXTRA_SOURCES) sources[`deps/${path.split('/').pop()}`] = `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.28;\nimport "${path}";\n`

const { contracts } = compile(sources, cacheDir)
const ours = contracts.filter((c) => c.source.startsWith('src/') || EXTRA_CONTRACTS.has(c.name))
const names = new Set<string>()
for (const c of ours) {
  if (names.has(c.name)) throw new Error(`Two contracts named ${c.name}; artifact names must be unique`)
  names.add(c.name)
}
const all = [...ours, wormholeCore(), await wormholeSetup(cacheDir), ...layerZeroProtocol()]
const hash = emitArtifacts(join(root, 'artifacts'), all)
console.log(`Built ${all.length} artifacts (${all.map((c) => c.name).join(', ')}) in ${Math.round(performance.now() - started)} ms, hash ${hash.slice(0, 12)}`)
