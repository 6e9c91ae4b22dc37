import { countEscapeCounters, escapeBudgetUsd8, escapeRootOf, loadPriceBook, vaultTokensOf } from '@unimargin/aggregator'
import { getChain } from '@unimargin/chains'
import { and, chainCheckpoints, chainEvents, coSignDecisions, eq, isNotNull, isNull, lte } from '@unimargin/db'
import { type Command, decodeCommand, type EvidenceLeaf } from '@unimargin/protocol'
import { type Address, getAddress, type Hex } from 'viem'
import type { CheckParameters } from './checks.js'
import { refuse, type Verdict } from './verdict.js'

type CheckpointCommand = Extract<Command, { kind: 'Checkpoint' }>
const s = (v: bigint) => v.toString()
const pairKey = (account: string, asset: string) => `${account.toLowerCase()}|${asset.toLowerCase()}`

/**
 * Checks a Checkpoint command (escape hatch) against this co-signer's own database, with the leaves the hub sent
 * (`p.evidence`). In order, refusing at the first failure:
 * - `block_not_seen` (409): its watcher has not passed `asOfBlock` on that chain; `events_not_processed` (409): its
 *   aggregator has not yet applied the vault's events up to it;
 * - `missing_evidence` (409): no leaves were sent; `duplicate_leaf` (422): a pair has two leaves;
 * - `root_mismatch` (422): the leaves do not rebuild the command's root (OpenZeppelin StandardMerkleTree, the vault's
 *   leaf encoding; no leaf: the zero root);
 * - `counters_mismatch` (422): a leaf's `creditedAt`/`debitedAt` differ from this co-signer's counters of the pair as
 *   of `asOfBlock` (`countEscapeCounters`, the hub's own counting); `missing_leaf` (422): a counted pair has no leaf;
 * - `exceeds_vault_tokens` (422): per asset, the entitlements sum past the vault's tokens by those counters;
 * - about the other vaults' leaves: `unknown_vault` (422) for a chain not configured, `root_mismatch` (422) when they
 *   do not rebuild the root sent with them, `stale_evidence` (409) when they are older than (or differ at the same
 *   epoch from) the latest checkpoint of that vault this co-signer signed, or are missing while it signed one;
 * - `unknown_asset` (422): a positive entitlement in an asset the config does not list; `cannot_value` (409): an asset
 *   has no price here;
 * - `exceeds_budget` (409, prices may move back): per account, the USD value of its entitlements over every vault
 *   (each rounded up, usd8, at this co-signer's prices) exceeds its budget (`escapeBudgetUsd8`: equity after the
 *   worst-case loss, at least 0) plus `toleranceBps` of it.
 * Read-only. Units: token base units for amounts, usd8 for values.
 */
export async function checkCheckpoint(p: CheckParameters, command: CheckpointCommand): Promise<Verdict> {
  const { db, config } = p
  const chainId = Number(command.destChainId)
  const vault = getChain(config, chainId).vault
  const detail: Record<string, unknown> = { chain_id: chainId, epoch: s(command.epoch), as_of_block: s(command.asOfBlock), root: command.root }

  const [checkpoint] = await db.select({ blockNumber: chainCheckpoints.blockNumber }).from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId))
  if (!checkpoint || checkpoint.blockNumber < command.asOfBlock)
    return refuse(command, 409, 'block_not_seen', `Checkpoint ${command.epoch} of chain ${chainId} is as of block ${command.asOfBlock}, which this co-signer has not ingested yet.`, {
      ...detail,
      seen_block: checkpoint?.blockNumber.toString() ?? null,
    })
  const [waiting] = await db
    .select({ id: chainEvents.id })
    .from(chainEvents)
    .where(and(eq(chainEvents.chainId, chainId), lte(chainEvents.blockNumber, command.asOfBlock), isNull(chainEvents.processedAt)))
    .limit(1)
  if (waiting) return refuse(command, 409, 'events_not_processed', `Events of chain ${chainId} up to block ${command.asOfBlock} are not yet applied by this co-signer.`, detail)

  const evidence = p.evidence
  if (!evidence) return refuse(command, 409, 'missing_evidence', `Checkpoint ${command.epoch} of chain ${chainId} came without its leaves; a checkpoint is signed only with them.`, detail)
  detail.leaves = evidence.leaves.length

  // the checkpoint's own tree
  const leaves = new Map<string, EvidenceLeaf>()
  for (const leaf of evidence.leaves) {
    const key = pairKey(leaf.account, leaf.asset)
    if (leaves.has(key)) return refuse(command, 422, 'duplicate_leaf', `The leaves list ${leaf.account} and asset ${leaf.asset} twice.`, { ...detail, account: leaf.account, asset: leaf.asset })
    leaves.set(key, leaf)
  }
  const rebuilt = escapeRootOf(evidence.leaves)
  if (rebuilt.toLowerCase() !== command.root.toLowerCase())
    return refuse(command, 422, 'root_mismatch', `The ${evidence.leaves.length} leaves rebuild root ${rebuilt}, not the command's ${command.root}.`, { ...detail, rebuilt_root: rebuilt })

  const counters = await countEscapeCounters(db, { chainId, vault, asOfBlock: command.asOfBlock })
  const own = new Map(counters.map((c) => [pairKey(c.account, c.asset), c]))
  for (const leaf of evidence.leaves) {
    const c = own.get(pairKey(leaf.account, leaf.asset))
    const credited = c?.credited ?? 0n
    const debited = c?.debited ?? 0n
    if (leaf.creditedAt !== credited || leaf.debitedAt !== debited)
      return refuse(
        command,
        422,
        'counters_mismatch',
        `The leaf of ${leaf.account} for ${leaf.asset} carries credited ${s(leaf.creditedAt)} / debited ${s(leaf.debitedAt)}; this co-signer counts ${s(credited)} / ${s(debited)} as of block ${command.asOfBlock}.`,
        { ...detail, account: leaf.account, asset: leaf.asset, leaf_credited: s(leaf.creditedAt), leaf_debited: s(leaf.debitedAt), credited: s(credited), debited: s(debited) },
      )
  }
  for (const c of counters)
    if (!leaves.has(pairKey(c.account, c.asset)))
      return refuse(command, 422, 'missing_leaf', `${c.account} has counters for ${c.asset} on chain ${chainId} as of block ${command.asOfBlock} but no leaf.`, {
        ...detail,
        account: c.account,
        asset: c.asset,
        credited: s(c.credited),
        debited: s(c.debited),
      })
  const perAsset = new Map<string, { asset: Address; total: bigint }>()
  for (const leaf of evidence.leaves) {
    const a = perAsset.get(leaf.asset.toLowerCase()) ?? { asset: leaf.asset, total: 0n }
    a.total += leaf.entitlement
    perAsset.set(leaf.asset.toLowerCase(), a)
  }
  for (const { asset, total } of perAsset.values()) {
    const tokens = vaultTokensOf(counters, asset)
    if (total > tokens)
      return refuse(command, 422, 'exceeds_vault_tokens', `Entitlements of ${asset} sum to ${s(total)}, more than the ${s(tokens)} the vault on chain ${chainId} holds as of block ${command.asOfBlock}.`, {
        ...detail,
        asset,
        entitled: s(total),
        vault_tokens: s(tokens),
      })
  }

  // the other vaults' latest trees, as far as this co-signer can vouch for them
  const signed = await latestSignedCheckpoints(p)
  const seen = new Set<number>()
  for (const other of evidence.otherVaults) {
    const where = { ...detail, other_chain_id: other.chainId, other_epoch: s(other.epoch) }
    const chain = config.chains.find((c) => c.chainId === other.chainId)
    if (!chain || other.chainId === chainId || seen.has(other.chainId))
      return refuse(command, 422, 'unknown_vault', `The other vaults' leaves name chain ${other.chainId}, which is not another configured vault (or is listed twice).`, where)
    seen.add(other.chainId)
    const otherRoot = escapeRootOf(other.leaves)
    if (otherRoot.toLowerCase() !== other.root.toLowerCase())
      return refuse(command, 422, 'root_mismatch', `The leaves of chain ${other.chainId} rebuild root ${otherRoot}, not the ${other.root} sent with them.`, { ...where, rebuilt_root: otherRoot })
    const mine = signed.get(other.chainId)
    if (mine && (other.epoch < mine.epoch || (other.epoch === mine.epoch && other.root.toLowerCase() !== mine.root.toLowerCase())))
      return refuse(command, 409, 'stale_evidence', `The leaves of chain ${other.chainId} are of epoch ${other.epoch}; this co-signer signed epoch ${mine.epoch} with root ${mine.root}.`, {
        ...where,
        signed_epoch: s(mine.epoch),
        signed_root: mine.root,
      })
  }
  for (const [otherChainId, mine] of signed)
    if (otherChainId !== chainId && !seen.has(otherChainId))
      return refuse(command, 409, 'stale_evidence', `No leaves of chain ${otherChainId} were sent; this co-signer signed its checkpoint ${mine.epoch}.`, { ...detail, other_chain_id: otherChainId })

  // per account, the value of its entitlements over every vault against its own budget
  const book = await loadPriceBook(db, config, p.nowSeconds)
  const entitledUsd8 = new Map<string, { account: Address; usd8: bigint }>()
  for (const v of [{ chainId, leaves: evidence.leaves }, ...evidence.otherVaults]) {
    const chain = getChain(config, v.chainId)
    for (const leaf of v.leaves) {
      if (leaf.entitlement === 0n) continue
      const asset = chain.assets.find((a) => a.address.toLowerCase() === leaf.asset.toLowerCase())
      if (!asset) return refuse(command, 422, 'unknown_asset', `${leaf.account} is entitled to ${leaf.asset} on chain ${v.chainId}, an asset the config does not list.`, { ...detail, asset: leaf.asset })
      const price = book.collateralPrice(v.chainId, asset)
      if (!price) return refuse(command, 409, 'cannot_value', `${asset.symbol} on chain ${v.chainId} has no price here.`, { ...detail, asset: leaf.asset })
      const unit = 10n ** BigInt(asset.decimals)
      const e = entitledUsd8.get(leaf.account.toLowerCase()) ?? { account: getAddress(leaf.account), usd8: 0n }
      e.usd8 += (leaf.entitlement * price.priceUsd8 + unit - 1n) / unit
      entitledUsd8.set(leaf.account.toLowerCase(), e)
    }
  }
  for (const { account, usd8 } of entitledUsd8.values()) {
    const budget = await escapeBudgetUsd8(db, config, account, p.nowSeconds)
    const allowed = ((budget > 0n ? budget : 0n) * BigInt(10_000 + p.toleranceBps)) / 10_000n
    if (usd8 > allowed)
      return refuse(
        command,
        409,
        'exceeds_budget',
        `${account} is entitled to ${s(usd8)} usd8 over all vaults; its budget here is ${s(budget)} usd8 plus ${p.toleranceBps} bps (${s(allowed)} usd8).`,
        { ...detail, account, entitled_usd8: s(usd8), budget_usd8: s(budget), allowed_usd8: s(allowed) },
      )
  }
  return { sign: true, command, detail: { ...detail, accounts: entitledUsd8.size, other_vaults: evidence.otherVaults.length, rule: 'root, counters, vault tokens and budgets recomputed' } }
}

/** Per chain, the newest Checkpoint (highest epoch) this co-signer has signed. */
async function latestSignedCheckpoints(p: CheckParameters): Promise<Map<number, { epoch: bigint; root: Hex }>> {
  const rows = await p.db
    .select({ payload: coSignDecisions.payload })
    .from(coSignDecisions)
    .where(and(eq(coSignDecisions.kind, 'Checkpoint'), isNotNull(coSignDecisions.signature)))
  const out = new Map<number, { epoch: bigint; root: Hex }>()
  for (const { payload } of rows) {
    const c = decodeCommand(payload as Hex)
    if (c.kind !== 'Checkpoint') continue
    const chainId = Number(c.destChainId)
    const known = out.get(chainId)
    if (!known || c.epoch > known.epoch) out.set(chainId, { epoch: c.epoch, root: c.root })
  }
  return out
}
