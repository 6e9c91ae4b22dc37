import type { Address, Hex } from 'viem'

/** One leaf of a vault's escape tree as a co-signer checks it (no proof); amounts in token base units. */
export type EvidenceLeaf = { account: Address; asset: Address; entitlement: bigint; creditedAt: bigint; debitedAt: bigint }

/** Another vault's latest checkpoint at the hub, so a co-signer can add up an account's entitlements over vaults. */
export type OtherVaultEvidence = { chainId: number; epoch: bigint; asOfBlock: bigint; root: Hex; leaves: EvidenceLeaf[] }

/**
 * What a co-signer needs besides the payload to check a Checkpoint command: every leaf of that checkpoint's tree,
 * and the latest checkpoint of every other vault the hub stored.
 */
export type CheckpointEvidence = { leaves: EvidenceLeaf[]; otherVaults: OtherVaultEvidence[] }

/** A leaf on the wire: `[account, asset, entitlement, creditedAt, debitedAt]`, amounts as decimal strings. */
export type EvidenceLeafWire = [account: string, asset: string, entitlement: string, creditedAt: string, debitedAt: string]

/** {@link CheckpointEvidence} on the wire (`evidence` of `POST /v1/cosign`): epochs and blocks as decimal strings. */
export type CheckpointEvidenceWire = {
  leaves: EvidenceLeafWire[]
  otherVaults: Array<{ chainId: number; epoch: string; asOfBlock: string; root: string; leaves: EvidenceLeafWire[] }>
}

/** The JSON-ready wire form of `evidence` (see {@link CheckpointEvidenceWire}). */
export function encodeCheckpointEvidence(evidence: CheckpointEvidence): CheckpointEvidenceWire {
  const tuple = (l: EvidenceLeaf): EvidenceLeafWire => [l.account, l.asset, l.entitlement.toString(), l.creditedAt.toString(), l.debitedAt.toString()]
  return {
    leaves: evidence.leaves.map(tuple),
    otherVaults: evidence.otherVaults.map((v) => ({ chainId: v.chainId, epoch: v.epoch.toString(), asOfBlock: v.asOfBlock.toString(), root: v.root, leaves: v.leaves.map(tuple) })),
  }
}
