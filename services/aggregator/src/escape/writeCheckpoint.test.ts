import { commands, type Database, eq, escapeCheckpoints, testDatabases } from '@unimargin/db'
import { decodeCommand } from '@unimargin/protocol'
import type { Hex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi } from '../api/index.js'
import { A, addr, C, silentLogger, T0, testConfig, tokens, vaults } from '../test-utils.js'
import { InvalidCheckpointError, loadEscapeClaims, writeCheckpoint } from './index.js'
import { buildEscapeTree } from './tree.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)
const NOW = new Date('2024-01-01T00:00:00Z')

describe.each(testDatabases())('escape checkpoints on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })
  const ctx = () => ({ tx: database.db, config: testConfig(), logger: silentLogger, now: () => NOW, referenceTs: T0 })

  const treeOn = (chainId: number, aliceEntitlement: bigint) =>
    buildEscapeTree(
      [
        { chainId, asset: tokens.usdcC, account: alice, amount: aliceEntitlement },
        { chainId, asset: tokens.usdcC, account: bob, amount: 5n },
      ],
      [{ account: alice, asset: tokens.usdcC, credited: 100n, debited: 0n }],
    )

  it('queues a Checkpoint command carrying the next epoch, the root and asOfBlock, and stores every leaf', async () => {
    const tree = treeOn(C, 90n)
    const first = await writeCheckpoint(ctx(), { chainId: C, tree, asOfBlock: 40n })
    expect(first).toMatchObject({ epoch: 1n, created: true })
    const [row] = await database.db.select().from(commands).where(eq(commands.id, first.commandId))
    expect(decodeCommand(row!.payload as Hex)).toMatchObject({ kind: 'Checkpoint', epoch: 1n, root: tree.root, asOfBlock: 40n, vault: vaults[C] })

    const next = await writeCheckpoint(ctx(), { chainId: C, tree: treeOn(C, 80n), asOfBlock: 50n })
    expect(next).toMatchObject({ epoch: 2n, created: true })
    expect(next.commandId).not.toBe(first.commandId)
  })

  it('skips a checkpoint whose root did not change, and refuses one older than the last', async () => {
    await writeCheckpoint(ctx(), { chainId: C, tree: treeOn(C, 90n), asOfBlock: 40n })
    const again = await writeCheckpoint(ctx(), { chainId: C, tree: treeOn(C, 90n), asOfBlock: 45n })
    expect(again).toMatchObject({ epoch: 1n, created: false })
    expect(await database.db.select().from(escapeCheckpoints)).toHaveLength(1)
    await expect(writeCheckpoint(ctx(), { chainId: C, tree: treeOn(C, 70n), asOfBlock: 39n })).rejects.toThrow(InvalidCheckpointError)
  })

  it('serves an account the claim arguments of the newest checkpoint of each vault, and nothing for a vault without its leaf', async () => {
    await writeCheckpoint(ctx(), { chainId: C, tree: treeOn(C, 90n), asOfBlock: 40n })
    const newest = treeOn(C, 80n)
    await writeCheckpoint(ctx(), { chainId: C, tree: newest, asOfBlock: 50n })
    await writeCheckpoint(ctx(), { chainId: A, tree: buildEscapeTree([], [{ account: bob, asset: tokens.wethA, credited: 1n, debited: 0n }]), asOfBlock: 7n })

    const claims = await loadEscapeClaims(database.db, alice.toLowerCase() as Hex)
    const leaf = newest.leaves.find((l) => l.account === alice)!
    expect(claims).toEqual([
      { chainId: C, vault: vaults[C], epoch: 2n, root: newest.root, asset: tokens.usdcC, entitlement: 80n, creditedAt: 100n, debitedAt: 0n, proof: leaf.proof },
    ])
    expect(await loadEscapeClaims(database.db, bob)).toHaveLength(2)

    const app = createApi({ db: database.db, config: testConfig(), now: () => NOW })
    const res = await app.request(`/v1/accounts/${alice}/escape`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      account: alice,
      claims: [{ chainId: C, vault: vaults[C], epoch: '2', root: newest.root, asset: tokens.usdcC, entitlement: '80', creditedAt: '100', debitedAt: '0', proof: leaf.proof }],
    })
    expect((await app.request('/v1/accounts/0x1234/escape')).status).toBe(400)
  })
})
