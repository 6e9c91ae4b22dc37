import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Address } from 'viem'

/**
 * Test data: 50 genuine Wormhole mainnet VAAs and guardian sets 0..7, from `../shared/data` beside the checkout
 * (see shared/data/SOURCES.md). Not part of the package's public API.
 */
export const MAINNET_VAAS_PATH = fileURLToPath(
  new URL('../../../../../shared/data/wormhole/mainnet_vaas.json', import.meta.url),
)

/** One VAA entry of the file; integers wider than 2^53 are decimal strings, hex has no 0x. */
export type MainnetVaaEntry = {
  version: number
  guardian_set_index: number
  num_signatures: number
  signer_indices: number[]
  timestamp: string
  nonce: string
  emitter_chain: number
  emitter_address: string
  sequence: string
  consistency_level: number
  payload_hex: string
  payload_len: number
  body_keccak256: string
  digest_double_keccak256: string
  vaa_hex: string
  vaa_base64: string
  source: { label: string }
}

export type MainnetVaaFile = {
  guardian_sets: Record<string, { addresses: Address[] }>
  vaas: MainnetVaaEntry[]
}

/**
 * Loads the mainnet VAA file.
 * @returns the parsed file, or undefined when `../shared` is absent outside CI (callers skip their tests).
 * @throws {Error} when the file is absent and `process.env.CI` is set (other than 'false'/'0'): CI must not silently skip these checks.
 */
export function loadMainnetVaas(): MainnetVaaFile | undefined {
  if (existsSync(MAINNET_VAAS_PATH)) return JSON.parse(readFileSync(MAINNET_VAAS_PATH, 'utf8')) as MainnetVaaFile
  const ci = process.env.CI
  if (ci && ci !== 'false' && ci !== '0') {
    throw new Error(`${MAINNET_VAAS_PATH} is missing; CI must check out shared/ beside the repository`)
  }
  console.warn(`Skipping mainnet VAA tests: ${MAINNET_VAAS_PATH} not found (shared/ is not beside the checkout)`)
  return undefined
}
