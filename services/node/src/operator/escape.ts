import type { EscapeClaim } from '@unimargin/aggregator'

/** One claim as JSON: integers as decimal strings (token base units), the same shape `GET /v1/accounts/:address/escape` serves. */
export function escapeClaimJson(c: EscapeClaim) {
  return {
    chainId: c.chainId,
    vault: c.vault,
    epoch: c.epoch.toString(),
    root: c.root,
    asset: c.asset,
    entitlement: c.entitlement.toString(),
    creditedAt: c.creditedAt.toString(),
    debitedAt: c.debitedAt.toString(),
    proof: c.proof,
  }
}

/**
 * Lines for a person: per vault and asset, the `claimEscape` call to send from the account's wallet once the vault
 * is in escape mode (amounts in token base units), or how to claim without a leaf when there is none.
 */
export function formatEscapeClaims(account: string, claims: readonly EscapeClaim[]): string[] {
  if (claims.length === 0)
    return [
      `No escape leaf for ${account} in the stored checkpoints.`,
      'On a vault first used after its last checkpoint, call claimEscapeWithoutLeaf(asset) once escape mode is active.',
    ]
  const lines = [`Escape claims of ${account} (call from that address once the vault is in escape mode):`]
  for (const c of claims)
    lines.push(
      `chain ${c.chainId} vault ${c.vault} checkpoint ${c.epoch} (root ${c.root})`,
      `  claimEscape(${c.asset}, ${c.entitlement}, ${c.creditedAt}, ${c.debitedAt}, [${c.proof.join(', ')}])`,
    )
  return lines
}
