import type { Config } from '@unimargin/chains'
import { and, chainCheckpoints, chainEvents, type DbOrTx, eq, isNull, lte } from '@unimargin/db'
import { type Address, getAddress } from 'viem'
import { loadPriceBook } from '../pricing/index.js'
import { allocateEntitlements, type EscapeAccount, type EscapePool } from './allocate.js'
import { countEscapeCounters, escapeBudgetUsd8, vaultTokensOf } from './counters.js'
import { buildEscapeTree, type EscapeCounters, type EscapeTree } from './tree.js'

/** One vault's checkpoint-to-be: its tree and the block its counters were read at. */
export type VaultSnapshot = { chainId: number; asOfBlock: bigint; tree: EscapeTree }

/** Why a chain was left out of a snapshot round (it keeps its last checkpoint). */
export type SkippedChain = { chainId: number; reason: 'no_watcher_checkpoint' | 'unprocessed_events' | 'missing_price' }

/**
 * Computes every vault's escape tree from the hub's state. Per chain, `asOfBlock` is the watcher's checkpoint (the
 * last block whose logs are fully written); a chain is skipped while events up to it wait for the aggregator, or
 * while an asset of it has no price. Counters come from the processed vault events up to `asOfBlock`
 * ({@link countEscapeCounters}, exactly as the vault counts); an account's holdings there are `credited − debited`
 * (balance plus escrow) and the vault's tokens the sum over accounts ({@link vaultTokensOf}). Each account's budget
 * is its equity after the worst-case loss ({@link escapeBudgetUsd8}, usd8). Co-signers check a checkpoint with the
 * same functions on their own database. {@link allocateEntitlements}
 * splits it, {@link buildEscapeTree} builds the trees.
 * @param referenceTs unix seconds, "now" for valuation
 * @throws {EscapeInputError} (from allocateEntitlements) only on a bug: the inputs are built consistent here.
 */
export async function snapshotEscape(tx: DbOrTx, config: Config, referenceTs: bigint): Promise<{ vaults: VaultSnapshot[]; skipped: SkippedChain[] }> {
  const book = await loadPriceBook(tx, config, referenceTs)
  const skipped: SkippedChain[] = []
  const included: Array<{ chainId: number; vault: Address; asOfBlock: bigint }> = []
  for (const chain of config.chains) {
    const [checkpoint] = await tx.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain.chainId))
    if (!checkpoint) {
      skipped.push({ chainId: chain.chainId, reason: 'no_watcher_checkpoint' })
      continue
    }
    const [waiting] = await tx
      .select({ id: chainEvents.id })
      .from(chainEvents)
      .where(and(eq(chainEvents.chainId, chain.chainId), lte(chainEvents.blockNumber, checkpoint.blockNumber), isNull(chainEvents.processedAt)))
      .limit(1)
    if (waiting) {
      skipped.push({ chainId: chain.chainId, reason: 'unprocessed_events' })
      continue
    }
    if (chain.assets.some((a) => !book.collateralPrice(chain.chainId, a))) {
      skipped.push({ chainId: chain.chainId, reason: 'missing_price' })
      continue
    }
    included.push({ chainId: chain.chainId, vault: chain.vault, asOfBlock: checkpoint.blockNumber })
  }

  const counters: Array<EscapeCounters & { chainId: number }> = []
  for (const v of included) for (const c of await countEscapeCounters(tx, v)) counters.push({ ...c, chainId: v.chainId })

  const pools: EscapePool[] = []
  for (const v of included) {
    const chain = config.chains.find((c) => c.chainId === v.chainId)!
    for (const asset of chain.assets) {
      const vaultTokens = vaultTokensOf(
        counters.filter((c) => c.chainId === v.chainId),
        asset.address,
      )
      pools.push({ chainId: v.chainId, asset: getAddress(asset.address), decimals: asset.decimals, priceUsd8: book.collateralPrice(v.chainId, asset)!.priceUsd8, vaultTokens })
    }
  }
  const poolKeys = new Set(pools.map((p) => `${p.chainId}|${p.asset.toLowerCase()}`))

  const byAccount = new Map<string, EscapeAccount>()
  for (const c of counters) {
    const key = c.account.toLowerCase()
    let a = byAccount.get(key)
    if (!a) {
      a = { account: c.account, equityAfterWorstLossUsd8: 0n, holdings: [] }
      byAccount.set(key, a)
    }
    // an asset the config no longer lists keeps its counters in the tree but is not a pool: nothing to allocate
    if (poolKeys.has(`${c.chainId}|${c.asset.toLowerCase()}`)) a.holdings.push({ chainId: c.chainId, asset: c.asset, amount: c.credited - c.debited })
  }
  for (const a of byAccount.values()) {
    a.equityAfterWorstLossUsd8 = await escapeBudgetUsd8(tx, config, a.account, referenceTs)
  }

  const entitlements = allocateEntitlements(pools, [...byAccount.values()])
  const vaults = included.map((v) => ({
    chainId: v.chainId,
    asOfBlock: v.asOfBlock,
    tree: buildEscapeTree(
      entitlements.filter((e) => e.chainId === v.chainId),
      counters.filter((c) => c.chainId === v.chainId),
    ),
  }))
  return { vaults, skipped }
}
