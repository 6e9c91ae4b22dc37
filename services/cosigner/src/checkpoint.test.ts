import { gzipSync } from 'node:zlib'
import { buildEscapeTree, createAggregator, type EscapeTree, snapshotEscape } from '@unimargin/aggregator'
import { A, addr, B, C, createEmitter, E6, seedPrices, silentLogger, T0, testConfig, tokens, vaults } from '@unimargin/aggregator/testing'
import { chainCheckpoints, coSignDecisions, type Database, testDatabases } from '@unimargin/db'
import { type CheckpointEvidence, encodeCheckpointEvidence, encodeCommand } from '@unimargin/protocol'
import { type Hex, keccak256, toHex, zeroAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCoSignerApp } from './app.js'
import { checkCommand } from './checks.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)
const AS_OF = 1000n

/** A Checkpoint command for the vault of `chainId`. */
const checkpointPayload = (chainId: number, root: Hex, epoch = 1n, asOfBlock = AS_OF) =>
  encodeCommand({
    kind: 'Checkpoint',
    commandId: keccak256(toHex(`checkpoint-${chainId}-${epoch}-${root}`)),
    destChainId: BigInt(chainId),
    vault: vaults[chainId]!,
    expiry: 2n ** 40n,
    account: zeroAddress,
    epoch,
    root,
    asOfBlock,
  })
const leavesOf = (tree: EscapeTree) => tree.leaves.map(({ proof: _, ...leaf }) => leaf)
/** `tree` with the leaf of (account, asset) changed by `change`, rebuilt: its root matches its leaves. */
function rebuilt(tree: EscapeTree, change: (leaf: ReturnType<typeof leavesOf>[number]) => ReturnType<typeof leavesOf>[number] | undefined): EscapeTree {
  const leaves = leavesOf(tree)
    .map(change)
    .filter((l) => l !== undefined)
  return buildEscapeTree(
    leaves.map((l) => ({ chainId: 0, account: l.account, asset: l.asset, amount: l.entitlement })),
    leaves.map((l) => ({ account: l.account, asset: l.asset, credited: l.creditedAt, debited: l.debitedAt })),
  )
}

describe.each(testDatabases())('co-signing an escape Checkpoint with its leaves on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  /**
   * This co-signer's own view: alice deposited 10 USDC on C, bob 5 USDC on B, prices seeded, every event applied and
   * every chain watched up to block 1000. The hub's honest trees are computed from the same events.
   */
  async function setup() {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await emitter.deposit(B, bob, tokens.usdcB, 5n * E6)
    await createAggregator({ db: database.db, config, logger: silentLogger }).processPending()
    await database.db.insert(chainCheckpoints).values([A, B, C].map((chainId) => ({ chainId, blockNumber: AS_OF, blockHash: `0x${'00'.repeat(32)}` as Hex })))
    const { vaults: trees, skipped } = await snapshotEscape(database.db, config, T0)
    expect(skipped).toEqual([])
    const tree = (chainId: number) => trees.find((v) => v.chainId === chainId)!.tree
    /** the evidence for vault `chainId` with `own` as its tree and the other vaults' trees as given (default honest) */
    const evidence = (chainId: number, own: EscapeTree, others: Partial<Record<number, EscapeTree>> = {}): CheckpointEvidence => ({
      leaves: leavesOf(own),
      otherVaults: [A, B, C]
        .filter((id) => id !== chainId)
        .map((id) => {
          const t = others[id] ?? tree(id)
          return { chainId: id, epoch: 1n, asOfBlock: AS_OF, root: t.root, leaves: leavesOf(t) }
        }),
    })
    const check = (payload: Hex, e?: CheckpointEvidence) => checkCommand({ db: database.db, config, payload, toleranceBps: 100, nowSeconds: T0, ...(e ? { evidence: e } : {}) })
    return { config, emitter, tree, evidence, check }
  }

  it("signs the hub's checkpoint of every vault, the unused vault's zero root with no leaf included", async () => {
    const s = await setup()
    for (const chainId of [A, B, C]) {
      const verdict = await s.check(checkpointPayload(chainId, s.tree(chainId).root), s.evidence(chainId, s.tree(chainId)))
      expect(verdict).toMatchObject({ sign: true })
    }
    expect(s.tree(A).leaves).toEqual([])
    expect(s.tree(C).leaves).toMatchObject([{ account: alice, asset: tokens.usdcC, creditedAt: 10n * E6, debitedAt: 0n }])
  })

  it('refuses a checkpoint sent without its leaves, and one of a block whose events it has not applied yet', async () => {
    const s = await setup()
    expect(await s.check(checkpointPayload(C, s.tree(C).root))).toMatchObject({ sign: false, status: 409, code: 'missing_evidence' })
    await s.emitter.deposit(C, bob, tokens.usdcC, 1n * E6)
    expect(await s.check(checkpointPayload(C, s.tree(C).root), s.evidence(C, s.tree(C)))).toMatchObject({ sign: false, status: 409, code: 'events_not_processed' })
  })

  it('refuses leaves that do not rebuild the root, its own or another vault’s', async () => {
    const s = await setup()
    const inflated = s.evidence(C, s.tree(C))
    inflated.leaves[0]!.entitlement += 1n
    expect(await s.check(checkpointPayload(C, s.tree(C).root), inflated)).toMatchObject({ sign: false, status: 422, code: 'root_mismatch' })
    const other = s.evidence(C, s.tree(C))
    other.otherVaults.find((v) => v.chainId === B)!.leaves[0]!.entitlement = 0n
    expect(await s.check(checkpointPayload(C, s.tree(C).root), other)).toMatchObject({ sign: false, status: 422, code: 'root_mismatch', detail: { other_chain_id: B } })
  })

  it('refuses a leaf whose counters differ from its own count of the vault, and a counted pair left without a leaf', async () => {
    const s = await setup()
    const moreCredit = rebuilt(s.tree(C), (l) => ({ ...l, creditedAt: l.creditedAt + 1n }))
    expect(await s.check(checkpointPayload(C, moreCredit.root), s.evidence(C, moreCredit))).toMatchObject({
      sign: false,
      status: 422,
      code: 'counters_mismatch',
      detail: { account: alice, leaf_credited: '10000001', credited: '10000000' },
    })
    const withoutBob = rebuilt(s.tree(B), (l) => (l.account === bob ? undefined : l))
    expect(await s.check(checkpointPayload(B, withoutBob.root), s.evidence(B, withoutBob))).toMatchObject({ sign: false, status: 422, code: 'missing_leaf', detail: { account: bob } })
  })

  it('refuses entitlements of an asset that sum past the tokens the vault holds by its counters', async () => {
    const s = await setup()
    const overdrawn = rebuilt(s.tree(C), (l) => ({ ...l, entitlement: 10n * E6 + 1n }))
    expect(await s.check(checkpointPayload(C, overdrawn.root), s.evidence(C, overdrawn))).toMatchObject({
      sign: false,
      status: 422,
      code: 'exceeds_vault_tokens',
      detail: { entitled: '10000001', vault_tokens: '10000000' },
    })
  })

  it("refuses a checkpoint that, with the other vaults' leaves, entitles an account to more than its budget plus the tolerance", async () => {
    const s = await setup()
    // on B alice is handed bob's 5 USDC: within B's tokens, but with her 10 USDC on C she would take 15 USD of a 10 USD budget
    const toAlice = buildEscapeTree(
      [{ chainId: B, account: alice, asset: tokens.usdcB, amount: 5n * E6 }],
      [{ account: bob, asset: tokens.usdcB, credited: 5n * E6, debited: 0n }],
    )
    expect(await s.check(checkpointPayload(B, toAlice.root), s.evidence(B, toAlice))).toMatchObject({
      sign: false,
      status: 409,
      code: 'exceeds_budget',
      detail: { account: alice, entitled_usd8: '1500000000', budget_usd8: '1000000000', allowed_usd8: '1010000000' },
    })
    // within the tolerance (1%): 10.1 USDC in all is signed
    const withinTolerance = rebuilt(s.tree(C), (l) => ({ ...l, entitlement: 10n * E6 }))
    const bobsLeaf = buildEscapeTree(
      [{ chainId: B, account: alice, asset: tokens.usdcB, amount: 100_000n }, { chainId: B, account: bob, asset: tokens.usdcB, amount: 4_900_000n }],
      [{ account: bob, asset: tokens.usdcB, credited: 5n * E6, debited: 0n }],
    )
    expect(await s.check(checkpointPayload(B, bobsLeaf.root), s.evidence(B, bobsLeaf, { [C]: withinTolerance }))).toMatchObject({ sign: true })
  })

  it('refuses other vaults’ leaves older than the checkpoint of that vault it already signed', async () => {
    const s = await setup()
    const signedB = checkpointPayload(B, keccak256(toHex('newer root of B')), 2n)
    await database.db.insert(coSignDecisions).values({ commandId: keccak256(toHex('signed-b')), kind: 'Checkpoint', account: zeroAddress, payload: signedB, signature: '0x01', reason: null, detail: {} })
    expect(await s.check(checkpointPayload(C, s.tree(C).root), s.evidence(C, s.tree(C)))).toMatchObject({
      sign: false,
      status: 409,
      code: 'stale_evidence',
      detail: { other_chain_id: B, other_epoch: '1', signed_epoch: '2' },
    })
  })

  it('takes the leaves gzipped over HTTP and answers a malformed leaf with 422 naming the field', async () => {
    const s = await setup()
    const app = createCoSignerApp({ db: database.db, config: s.config, account: privateKeyToAccount(keccak256(toHex('co-signer key'))), logger: silentLogger, toleranceBps: 100, now: () => new Date(Number(T0) * 1000) })
    const post = (body: unknown) =>
      app.request('/v1/cosign', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(body)) })
    const payload = checkpointPayload(C, s.tree(C).root)
    const wire = encodeCheckpointEvidence(s.evidence(C, s.tree(C)))
    const signed = await post({ payload, evidence: wire })
    expect(signed.status).toBe(200)
    expect(await signed.json()).toMatchObject({ signature: expect.stringMatching(/^0x[0-9a-f]{130}$/) })

    wire.leaves[0]![2] = '-5'
    const bad = await post({ payload: checkpointPayload(C, s.tree(C).root, 2n), evidence: wire })
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_body', message: expect.stringContaining('evidence.leaves.0.2') } })

    // a body that inflates past the limit once gunzipped is refused before it is parsed
    const small = createCoSignerApp({ db: database.db, config: s.config, account: privateKeyToAccount(keccak256(toHex('co-signer key'))), logger: silentLogger, toleranceBps: 100, maxCosignBodyBytes: 1024 })
    const inflating = await small.request('/v1/cosign', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(`{"payload": "${payload}"${' '.repeat(4096)}}`),
    })
    expect(inflating.status).toBe(413)
    expect(await inflating.json()).toMatchObject({ error: { code: 'body_too_large' } })
  })
})
