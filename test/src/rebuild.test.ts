import { verifyRebuild } from '@unimargin/aggregator'
import { and, chainCheckpoints, chainEvents, collateralBalances, commands, createDatabase, eq, reorgRemovals, withdrawals } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { listChains, resumeChain } from '@unimargin/node'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Hex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Pipeline, startPipeline, waitFor } from './harness.js'

const BASE_PORT = 45200
const usdc = (n: number) => BigInt(n) * 10n ** 6n
const E18 = 10n ** 18n
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

/** Runs the `unimargin` CLI in a child process; resolves to its exit code and output whatever the code. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'services/node/src/bin.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      maxBuffer: 16 * 1024 * 1024,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/**
 * The hub on three anvil chains (real vaults, Wormhole, relayer, co-signers) on a PGlite data dir: its derived
 * state is rebuilt from the recorded inputs and compared; a reorg deeper than a chain's finality halts that chain
 * alone, and `chains resume` brings it back on the new history in the running node.
 */
describe('rebuild --verify and chains resume on the devnet', () => {
  let p: Pipeline
  let chains: [number, number, number]
  let dir: string
  let dataDir: string
  let configFile: string
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })
  const balance = async (account: string, chainId: number) => {
    const token = p.devnet.chain(chainId).addresses.tokens.USDC
    const [row] = await p.database.db
      .select()
      .from(collateralBalances)
      .where(and(eq(collateralBalances.account, account), eq(collateralBalances.chainId, chainId), eq(collateralBalances.asset, token)))
    return row?.amount
  }
  const checkpointOf = async (chainId: number) => (await p.database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId)))[0]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unimargin-rebuild-'))
    dataDir = join(dir, 'data')
    p = await startPipeline({ database: await createDatabase({ dataDir }), basePort: BASE_PORT })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
    configFile = join(dir, 'config.json')
    writeFileSync(configFile, JSON.stringify(p.devnet.config, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
  }, 240_000)
  afterAll(async () => {
    await p?.stop().catch(() => {})
    await p?.database.close().catch(() => {})
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('rebuilds deposits on three chains, a venue position and a withdrawal paid by the relayer into the live state exactly', async () => {
    const [a, , c] = chains
    const alice = user(1)
    await userDeposit(p.devnet, { chainId: c, key: user(0).key, symbol: 'USDC', amount: usdc(50_000) })
    await userDeposit(p.devnet, { chainId: a, key: alice.key, symbol: 'USDC', amount: usdc(20_000) })
    await waitFor('alice\'s deposit', async () => (await balance(alice.address, a)) === usdc(20_000))
    await p.report(alice.address, 'ETH-PERP', E18, 1_600n * 10n ** 8n)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: c, key: alice.key, symbol: 'USDC', amount: usdc(3_000) })
    await waitFor(
      'the withdrawal to be paid and its execution seen',
      async () => {
        const [w] = await p.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, c), eq(withdrawals.requestId, requestId)))
        const [command] = w?.commandId ? await p.database.db.select().from(commands).where(eq(commands.id, w.commandId)) : []
        return w?.state === 'executed' && command?.state === 'executed' && command.outcome === 'applied'
      },
      120_000,
    )

    const result = await verifyRebuild(p.database.db, p.devnet.config)
    expect(result.differences).toEqual([])
    expect(result.replay.divergences).toEqual([])
    expect(result.replay).toMatchObject({ reports: 1 })
    expect(result.replay.transitions).toBeGreaterThan(0)
    expect(result.equal).toBe(true)
  }, 240_000)

  it('halts only the chain reorganised beyond its finality, and chains resume drops the orphaned deposit and the running node ingests the new history', async () => {
    const [a, b, c] = chains
    const carol = user(3)
    const chain = p.devnet.chain(b)
    await userDeposit(p.devnet, { chainId: c, key: user(0).key, symbol: 'USDC', amount: usdc(10_000) })
    const snapshot = await chain.testClient.snapshot()
    const orphan = await userDeposit(p.devnet, { chainId: b, key: carol.key, symbol: 'USDC', amount: usdc(7_000) })
    await waitFor('the deposit to be credited', async () => (await balance(carol.address, b)) === usdc(7_000))
    // a withdrawal on another chain, approved against that deposit and paid: a fact the reorg cannot undo
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: c, key: carol.key, symbol: 'USDC', amount: usdc(2_000) })
    const approval = await waitFor(
      'the withdrawal against the deposit to be paid',
      async () => {
        const [w] = await p.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, c), eq(withdrawals.requestId, requestId)))
        const [command] = w?.commandId ? await p.database.db.select().from(commands).where(eq(commands.id, w.commandId)) : []
        return w?.state === 'executed' && command?.state === 'executed' ? command : undefined
      },
      120_000,
    )
    expect(approval.kind).toBe('ApproveWithdrawal')
    await waitFor('the checkpoint to pass the deposit by more than the finality depth', async () => {
      const cp = await checkpointOf(b)
      return cp && cp.blockNumber > orphan.blockNumber + BigInt(p.devnet.config.chains[1]!.confirmations) + 1n
    })

    // another history from before the deposit, longer than the old one
    await chain.testClient.revert({ id: snapshot })
    const replacement = await userDeposit(p.devnet, { chainId: b, key: carol.key, symbol: 'USDC', amount: usdc(3_000) })
    const halted = await waitFor('the chain to halt', async () => (await checkpointOf(b))?.haltedReason, 60_000)
    expect(halted).toMatch(/reorganised below its finality depth/)
    // the stale credit stays until an operator resumes; the other chains keep going
    expect(await balance(carol.address, b)).toBe(usdc(7_000))
    await userDeposit(p.devnet, { chainId: a, key: carol.key, symbol: 'USDC', amount: usdc(500) })
    await waitFor('a deposit on another chain while this one is halted', async () => (await balance(carol.address, a)) === usdc(500))
    const listed = await listChains(p.database.db, p.devnet.config)
    expect(listed.find((l) => l.chainId === b)?.haltedReason).toBe(halted)
    expect(listed.filter((l) => l.haltedReason !== null)).toHaveLength(1)

    const node = p.node
    const watcherOf = (chainId: number) => node.watchers.find((w) => w.status().chainId === chainId)!
    expect(watcherOf(b).status().halted?.name).toBe('FinalityViolationError')
    const others = [a, c].map((id) => watcherOf(id).status().checkpoint!)
    const resumed = await resumeChain({ db: p.database.db, config: p.devnet.config, chainId: b, reason: 'reviewed: anvil revert in the test' })
    expect(resumed.forkBlock).toBeLessThan(orphan.blockNumber)
    expect(resumed.removedEvents).toBeGreaterThanOrEqual(1)
    expect(resumed.removedCommands).toEqual([])
    // the paid approval is kept as it was, though the remaining inputs no longer decide it
    expect(resumed.keptCommands).toEqual([approval.id])
    expect(resumed.replay.carried).toEqual([approval.id])
    expect((await p.database.db.select().from(commands).where(eq(commands.id, approval.id)))[0]).toMatchObject({ state: 'executed', outcome: 'applied', payload: approval.payload })
    expect(await balance(carol.address, b)).toBeUndefined()
    const removed = await p.database.db.select().from(reorgRemovals).where(eq(reorgRemovals.chainId, b))
    expect(removed.map((r) => [r.tableName, r.row.txHash, r.reason])).toContainEqual(['chain_events', orphan.transactionHash, 'reviewed: anvil revert in the test'])
    const cp = await checkpointOf(b)
    expect(cp).toMatchObject({ blockNumber: resumed.forkBlock, haltedReason: null, haltedAt: null })

    // the same running node picks the chain up again from the fork block, its other watchers never stopped
    await waitFor('the re-mined deposit to be credited', async () => (await balance(carol.address, b)) === usdc(3_000), 60_000)
    expect(p.node).toBe(node)
    expect(watcherOf(b).status().halted).toBeUndefined()
    await userDeposit(p.devnet, { chainId: b, key: carol.key, symbol: 'USDC', amount: usdc(250) })
    await waitFor('a deposit made after the resume to be credited', async () => (await balance(carol.address, b)) === usdc(3_250), 60_000)
    for (const [i, id] of [a, c].entries()) expect(watcherOf(id).status().checkpoint!).toBeGreaterThan(others[i]!)
    const rows = await p.database.db.select().from(chainEvents).where(eq(chainEvents.txHash, replacement.transactionHash))
    expect(rows.map((r) => r.eventName)).toContain('Deposited')
    expect(await p.database.db.select().from(chainEvents).where(eq(chainEvents.txHash, orphan.transactionHash))).toEqual([])
    expect(await balance(carol.address, a)).toBe(usdc(500))
    expect(await balance(carol.address, c)).toBe(-usdc(2_000))

    const verified = await verifyRebuild(p.database.db, p.devnet.config)
    expect(verified.differences).toEqual([])
    expect(verified.replay.carried).toEqual([approval.id])
    expect(verified.equal).toBe(true)
  }, 300_000)

  it('runs from the command line: rebuild --verify exits 0 when equal and 1 naming a tampered balance; chains resume refuses a running chain', async () => {
    await p.stop()
    await p.database.close()
    const [, b] = chains
    const equal = await cli(['rebuild', '--verify', '-c', configFile, '--data-dir', dataDir, '--json'])
    expect(equal.stderr).toBe('')
    expect(equal.code).toBe(0)
    expect(JSON.parse(equal.stdout)).toMatchObject({ equal: true, differences: [] })

    const owner = privateKeyToAccount(p.devnet.keys.users[3]! as Hex).address
    const token = p.devnet.chain(b).addresses.tokens.USDC
    const db = await createDatabase({ dataDir })
    await db.db
      .update(collateralBalances)
      .set({ amount: usdc(9_999) })
      .where(and(eq(collateralBalances.account, owner), eq(collateralBalances.chainId, b), eq(collateralBalances.asset, token)))
    await db.close()
    const tampered = await cli(['rebuild', '--verify', '-c', configFile, '--data-dir', dataDir])
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toContain('1 difference:')
    expect(tampered.stdout).toContain(`collateral_balances  account=${owner}, chainId=${b}, asset=${token}  amount  live ${usdc(9_999)}  rebuilt ${usdc(3_250)}`)

    const list = await cli(['chains', 'list', '-c', configFile, '--data-dir', dataDir])
    expect(list.code).toBe(0)
    expect(list.stdout.split('\n').filter((l) => l.includes('running'))).toHaveLength(3)
    const refused = await cli(['chains', 'resume', String(b), '-c', configFile, '--data-dir', dataDir])
    expect(refused.code).toBe(65)
    expect(refused.stderr).toContain(`Chain ${b} (`)
    expect(refused.stderr).toContain('is not halted')
  }, 240_000)
})
