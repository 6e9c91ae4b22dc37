import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { ethers_contracts } from '@wormhole-foundation/sdk-evm-core'
import { list } from 'tar'
import type { CompiledContract } from './compile.js'

/** The package whose registry tarball carries Wormhole's `Setup` contract (not installed, only unpacked). */
export const SETUP_PACKAGE = '@certusone/wormhole-sdk@0.10.18'
const SETUP_ENTRY = 'package/lib/esm/ethers-contracts/factories/Setup__factory.js'

/** Wormhole core `Implementation` (ABI + bytecode) as shipped by @wormhole-foundation/sdk-evm-core. */
export function wormholeCore(): CompiledContract {
  const f = ethers_contracts.Implementation__factory
  return { name: 'WormholeCore', source: '@wormhole-foundation/sdk-evm-core', abi: [...f.abi], bytecode: f.bytecode as `0x${string}` }
}

/**
 * Wormhole's `Setup` contract (the proxy's initial implementation), extracted from the npm tarball of
 * {@link SETUP_PACKAGE}. The tarball is fetched once with `npm pack` into `cacheDir`; the extracted ABI and
 * bytecode are cached there as JSON.
 * @throws Error if `npm pack` fails (no registry access on a cold cache) or the tarball lacks the factory.
 */
export async function wormholeSetup(cacheDir: string): Promise<CompiledContract> {
  const cacheFile = join(cacheDir, 'wormhole-setup-0.10.18.json')
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledContract
  const packDir = join(cacheDir, 'npm-pack')
  mkdirSync(packDir, { recursive: true })
  execFileSync('npm', ['pack', SETUP_PACKAGE, '--pack-destination', packDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack ${SETUP_PACKAGE} produced no tarball in ${packDir}`)

  let text: string | undefined
  await list({
    file: join(packDir, tarball),
    filter: (path) => path === SETUP_ENTRY,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = []
      entry.on('data', (c: Buffer) => chunks.push(c))
      entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')))
    },
  })
  if (!text) throw new Error(`${SETUP_ENTRY} not found in ${tarball}`)

  const abiText = /const _abi = (\[[\s\S]*?\n\]);/.exec(text)?.[1]
  const bytecode = /const _bytecode = "(0x[0-9a-fA-F]+)";/.exec(text)?.[1]
  if (!abiText || !bytecode) throw new Error(`Could not find _abi/_bytecode in ${SETUP_ENTRY}`)
  // The ABI is a plain object literal; evaluate it with no globals available.
  const abi = runInNewContext(abiText, Object.create(null), { timeout: 1000 }) as unknown[]

  const setup: CompiledContract = { name: 'WormholeSetup', source: SETUP_PACKAGE, abi: JSON.parse(JSON.stringify(abi)), bytecode: bytecode as `0x${string}` }
  writeFileSync(cacheFile, JSON.stringify(setup))
  rmSync(packDir, { recursive: true, force: true })
  return setup
}
