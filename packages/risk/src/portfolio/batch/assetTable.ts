/** Collateral assets a batch knows: one row per (chain, asset), with the underlying its price follows (if any). */
export type AssetTable = {
  readonly keys: readonly string[]
  /** underlying each asset follows (`underlying` field or its symbol), for the exposure index */
  readonly follows: readonly string[]
  /** row of the (chain, asset), added if new */
  add(chainId: number, asset: string, follows: string): number
}

/** An empty asset table. */
export function createAssetTable(): AssetTable {
  const keys: string[] = []
  const follows: string[] = []
  const rows = new Map<string, number>()
  return {
    keys,
    follows,
    add(chainId, asset, follow) {
      const key = `${chainId}:${asset.toLowerCase()}`
      let row = rows.get(key)
      if (row === undefined) {
        row = keys.length
        keys.push(key)
        follows.push(follow)
        rows.set(key, row)
      }
      return row
    },
  }
}
