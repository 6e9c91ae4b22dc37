import { createRequire } from 'node:module'
import type { CompiledContract } from './compile.js'

const require = createRequire(import.meta.url)

/** LayerZero v2 protocol contracts the devnet deploys from the bytecode LayerZero ships (not recompiled here). */
export const LAYERZERO_ARTIFACTS = [
  { name: 'LzEndpointV2', path: '@layerzerolabs/lz-evm-protocol-v2/artifacts/contracts/EndpointV2.sol/EndpointV2.json' },
  { name: 'LzSendUln302', path: '@layerzerolabs/lz-evm-messagelib-v2/artifacts/contracts/uln/uln302/SendUln302.sol/SendUln302.json' },
  { name: 'LzReceiveUln302', path: '@layerzerolabs/lz-evm-messagelib-v2/artifacts/contracts/uln/uln302/ReceiveUln302.sol/ReceiveUln302.json' },
] as const

/** Thrown when a shipped artifact is missing its ABI or bytecode, or needs linking. */
export class ArtifactError extends Error {
  override name = 'ArtifactError'
}

/**
 * The shipped Hardhat artifacts (`{ abi, bytecode }`) of EndpointV2, SendUln302 and ReceiveUln302, named with an
 * `Lz` prefix. Their sources target OpenZeppelin 4, so they are taken as built by LayerZero.
 * @throws {ArtifactError} if an artifact has no bytecode or has unlinked library references.
 */
export function layerZeroProtocol(): CompiledContract[] {
  return LAYERZERO_ARTIFACTS.map(({ name, path }) => {
    const artifact = require(path) as { abi?: unknown[]; bytecode?: string; linkReferences?: Record<string, unknown> }
    if (!artifact.abi || !artifact.bytecode?.startsWith('0x') || artifact.bytecode.length <= 2) throw new ArtifactError(`${path} has no ABI or bytecode`)
    if (artifact.linkReferences && Object.keys(artifact.linkReferences).length > 0) throw new ArtifactError(`${path} needs library linking`)
    const pkg = path.split('/').slice(0, 2).join('/')
    const version = (require(`${pkg}/package.json`) as { version: string }).version
    return { name, source: `${pkg}@${version}`, abi: artifact.abi, bytecode: artifact.bytecode as `0x${string}` }
  })
}
