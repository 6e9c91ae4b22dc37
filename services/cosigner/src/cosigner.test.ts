import { buildEscapeTree, createAggregator, publishCheckpoints, snapshotEscape, writeCheckpoint } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { MarginHub, MarginVault, MockPriceFeed } from '@unimargin/contracts'
import {
  and,
  chainCheckpoints,
  chainEvents,
  collateralBalances,
  coSignDecisions,
  commandSignatures,
  commands,
  commandTransitions,
  createDatabase,
  type Database,
  eq,
  isNull,
  lte,
  withdrawals,
} from '@unimargin/db'
import { type Devnet, startDevnet, userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import { type Command, createLocalGuardianAttester, encodeCommand, positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { createRelayer, type Relayer } from '@unimargin/relayer'
import { createWatcher, type Watcher } from '@unimargin/watcher'
import pino from 'pino'
import { type Abi, type Address, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningCoSigner, startCoSigner } from './service.js'

const BASE_PORT = 33145
const logger = pino({ level: 'silent' })
// Omit over a union must distribute, or the kind-specific fields are lost.
type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> : never) : never
const USDC = 10n ** 6n

/** Polls `probe` every 100 ms until it returns a truthy value; fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('co-signers check the hub against their own view of the chains', () => {
  let devnet: Devnet
  const coSigners: { database: Database; running: RunningCoSigner | undefined; key: Hex }[] = []
  let hubDb: Database
  let hubWatchers: Watcher[] = []
  let hubAggregator: ReturnType<typeof createAggregator>
  let relayer: Relayer | undefined
  let hubConfig: Config
  let ids = 0

  const watchersOn = (db: Database, config: Config) =>
    config.chains.map((chain) =>
      createWatcher({
        db: db.db,
        chain,
        logger,
        contracts: [{ address: chain.vault, abi: MarginVault.abi as Abi }, ...chain.assets.map((a) => ({ address: a.feed, abi: MockPriceFeed.abi as Abi }))],
      }),
    )

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT, blockTimeSeconds: 0.25 })
    await devnet.setPrice('ETH', 1600n * 10n ** 8n)
    await devnet.setPrice('USDC', 10n ** 8n)
    await devnet.setPrice('BTC', 21_000n * 10n ** 8n)
    for (const key of devnet.keys.coSigners) {
      const database = await createDatabase()
      const config: Config = { ...devnet.config, coSigner: { privateKey: key, toleranceBps: 100 } }
      coSigners.push({ database, key, running: await startCoSigner({ config, db: database.db, logger, port: 0, aggregatorPollMs: 100 }) })
    }
    hubConfig = {
      ...devnet.config,
      // no threshold here: the relayer reads MarginHub's (2 on the devnet)
      coSigners: { urls: coSigners.map((c) => c.running!.url), timeoutMs: 5_000 },
      relayer: { ...devnet.config.relayer, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 },
    }
    hubDb = await createDatabase()
    hubWatchers = watchersOn(hubDb, hubConfig)
    hubAggregator = createAggregator({ db: hubDb.db, config: hubConfig, logger, pollIntervalMs: 100 })
    for (const w of hubWatchers) w.start()
    hubAggregator.start()
  }, 60_000)

  afterEach(async () => {
    await relayer?.stop()
    relayer = undefined
  })

  afterAll(async () => {
    await hubAggregator?.stop()
    await Promise.all(hubWatchers.map((w) => w.stop()))
    await hubDb?.close()
    for (const c of coSigners) {
      await c.running?.stop()
      await c.database.close()
    }
    await devnet?.stop()
  })

  const spoke = () => devnet.chains[1]!
  const startRelayer = () => {
    relayer = createRelayer({ db: hubDb.db, config: hubConfig, logger, attester: createLocalGuardianAttester({ keys: devnet.keys.guardians, guardianSetIndex: 0 }) })
    return relayer
  }
  /** Writes `body` for the spoke's vault straight into the hub's outbox, as a hub whose key or database is compromised could. */
  async function writeToOutbox(body: CommandBody): Promise<Hex> {
    const id = keccak256(toHex(`cosigner-test-${ids++}`))
    const expiry = (await spoke().publicClient.getBlock()).timestamp + 3600n
    const command = { ...body, commandId: id, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry } as Command
    await hubDb.db.insert(commands).values({ id, kind: body.kind, account: body.account, destChainId: spoke().chainId, vault: spoke().addresses.vault, payload: encodeCommand(command), expiry, cause: 'test' })
    return id
  }
  const row = async (id: Hex) => (await hubDb.db.select().from(commands).where(eq(commands.id, id)))[0]!
  const transitionsOf = (id: Hex) => hubDb.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id)).orderBy(commandTransitions.id)
  /** every co-signer's recorded answers to command `id` */
  const decisionsOf = async (id: Hex) =>
    (await Promise.all(coSigners.map((c) => c.database.db.select().from(coSignDecisions).where(eq(coSignDecisions.commandId, id))))).flat()
  /** until every running co-signer has seen `amount` of USDC for `account` on the spoke */
  const coSignersSeeBalance = (account: Address, amount: bigint) =>
    until(`co-signers to see ${amount} for ${account}`, async () => {
      for (const c of coSigners.filter((x) => x.running)) {
        const [b] = await c.database.db
          .select()
          .from(collateralBalances)
          .where(and(eq(collateralBalances.account, account), eq(collateralBalances.chainId, spoke().chainId), eq(collateralBalances.asset, spoke().addresses.tokens.USDC)))
        if (b?.amount !== amount) return false
      }
      return true
    })
  /** ticks the relayer until command `id` is dead-lettered (or executed, which fails the caller's expectations) */
  async function relayUntilSettled(id: Hex): Promise<typeof commands.$inferSelect> {
    const r = relayer ?? startRelayer()
    return until(`command ${id} to settle`, async () => {
      await r.tick()
      const c = await row(id)
      return c.state === 'dead' || c.state === 'executed' ? c : undefined
    })
  }
  const publishedOnHub = async (id: string) => {
    const hub = devnet.chains[0]!
    const logs = await hub.publicClient.getContractEvents({ address: devnet.hub.address, abi: MarginHub.abi, fromBlock: 0n, eventName: 'CommandPublished' })
    return logs.some((l) => l.args.commandId?.toLowerCase() === id.toLowerCase())
  }

  it('refuses a Seize of a healthy account written straight into the outbox: nothing is published, the refusals are recorded', async () => {
    const key = devnet.keys.users[0]!
    const account = privateKeyToAddress(key)
    await userDeposit(devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount: 1_000n * USDC })
    await coSignersSeeBalance(account, 1_000n * USDC)

    const id = await writeToOutbox({ kind: 'Seize', account, lockEpoch: 0, asset: spoke().addresses.tokens.USDC, amount: 1_000n * USDC, receiver: privateKeyToAddress(devnet.keys.users[5]!) })
    const settled = await relayUntilSettled(id)
    expect(settled.state).toBe('dead')
    expect(settled.publishTx).toBeNull()
    const transitions = await transitionsOf(id)
    const refusals = transitions.flatMap((t) => (t.detail.refusals as { code: string }[] | undefined) ?? [])
    expect(refusals.length).toBeGreaterThanOrEqual(3)
    expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['healthy_account']))
    expect(await hubDb.db.select().from(commandSignatures).where(eq(commandSignatures.commandId, id))).toEqual([])
    const decisions = await decisionsOf(id)
    expect(decisions.length).toBeGreaterThanOrEqual(3)
    expect(decisions.every((d) => d.signature === null && d.detail.code === 'healthy_account')).toBe(true)
    expect(await publishedOnHub(id)).toBe(false)
    expect(await vaultBalance(devnet, spoke().chainId, account, 'USDC')).toBe(1_000n * USDC)
  })

  it('refuses an approval the account cannot afford (its positions need more margin than would remain), even if the hub approved it', async () => {
    const key = devnet.keys.users[1]!
    const account = privateKeyToAddress(key)
    await userDeposit(devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount: 1_000n * USDC })
    await coSignersSeeBalance(account, 1_000n * USDC)
    // the venue reports a 2 ETH long to every co-signer, as it does to the hub
    const report = { account, market: 'ETH-PERP', size: 2n * 10n ** 18n, entryPrice: 1600n * 10n ** 8n, sequence: 1n }
    const domain = positionReportDomain({ name: devnet.config.venue.domainName, chainId: devnet.config.hub.chainId, verifyingContract: devnet.config.hub.address })
    const signature = await signPositionReport(privateKeyToAccount(devnet.keys.reporter), report, domain)
    for (const c of coSigners) {
      const response = await fetch(`${c.running!.url}/v1/positions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: '1' }, signature }),
      })
      expect(response.status).toBe(200)
    }
    const { requestId } = await userRequestWithdrawal(devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount: 990n * USDC })
    await until('co-signers to see the request', async () => {
      for (const c of coSigners) {
        const [w] = await c.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, spoke().chainId), eq(withdrawals.requestId, requestId)))
        if (!w) return false
      }
      return true
    })

    const id = await writeToOutbox({ kind: 'ApproveWithdrawal', account, requestId, lockEpoch: 0 })
    const settled = await relayUntilSettled(id)
    expect(settled.state).toBe('dead')
    const refusals = (await transitionsOf(id)).flatMap((t) => (t.detail.refusals as { code: string }[] | undefined) ?? [])
    expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['below_initial_margin']))
    const decisions = await decisionsOf(id)
    expect(decisions.every((d) => d.signature === null && d.reason?.includes('below initial margin'))).toBe(true)
    expect(await publishedOnHub(id)).toBe(false)
  })

  it('signs once per command id: asking again returns the same signature, another payload under that id is refused', async () => {
    const c = coSigners[0]!
    const account = privateKeyToAddress(devnet.keys.users[2]!)
    const expiry = (await spoke().publicClient.getBlock()).timestamp + 3600n
    const commandId = keccak256(toHex('cosigner-test-idempotent'))
    const base = { commandId, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry, account } as const
    const ask = (payload: Hex) => fetch(`${c.running!.url}/v1/cosign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload }) })
    const unlock = encodeCommand({ ...base, kind: 'Unlock', lockEpoch: 1 })
    const first = await ask(unlock)
    expect(first.status).toBe(200)
    const signed = (await first.json()) as { signer: string; signature: string }
    expect(signed.signer).toBe(privateKeyToAddress(c.key))
    const again = await ask(unlock)
    expect(await again.json()).toEqual(signed)
    const other = await ask(encodeCommand({ ...base, kind: 'Unlock', lockEpoch: 2 }))
    expect(other.status).toBe(422)
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('conflicting_payload')
    const malformed = await ask('0x0203')
    expect(malformed.status).toBe(422)
    const notHex = await ask('hello' as Hex)
    expect(notHex.status).toBe(422)
  })

  it("signs the hub's checkpoint round, and refuses a checkpoint handing one account another's tokens past its budget: it is never published", async () => {
    const [small, large] = [devnet.keys.users[4]!, devnet.keys.users[5]!].map((k) => ({ key: k, address: privateKeyToAddress(k) }))
    await userDeposit(devnet, { chainId: spoke().chainId, key: small!.key, symbol: 'USDC', amount: 100n * USDC })
    await userDeposit(devnet, { chainId: spoke().chainId, key: large!.key, symbol: 'USDC', amount: 1_000n * USDC })
    await coSignersSeeBalance(large!.address, 1_000n * USDC)
    await until('the hub to see the deposits', async () => {
      const [b] = await hubDb.db.select().from(collateralBalances).where(and(eq(collateralBalances.account, large!.address), eq(collateralBalances.chainId, spoke().chainId)))
      return b?.amount === 1_000n * USDC
    })
    const ctx = (tx: typeof hubDb.db) => ({ tx, config: hubConfig, logger, now: () => new Date(), referenceTs: BigInt(Math.floor(Date.now() / 1000)) })
    const round = await until('a checkpoint round of every vault', async () => {
      const r = await hubDb.db.transaction((tx) => publishCheckpoints(ctx(tx as unknown as typeof hubDb.db)))
      return r.skipped.length === 0 && r.published.length === hubConfig.chains.length ? r : undefined
    })
    /** until every running co-signer has applied chain `chainId` up to `block` */
    const coSignersAt = (chainId: number, block: bigint) =>
      until(`co-signers to apply chain ${chainId} up to block ${block}`, async () => {
        for (const c of coSigners.filter((x) => x.running)) {
          const [cp] = await c.database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId))
          if (!cp || cp.blockNumber < block) return false
          const [waiting] = await c.database.db
            .select({ id: chainEvents.id })
            .from(chainEvents)
            .where(and(eq(chainEvents.chainId, chainId), lte(chainEvents.blockNumber, block), isNull(chainEvents.processedAt)))
            .limit(1)
          if (waiting) return false
        }
        return true
      })
    const snapshot = await snapshotEscape(hubDb.db, hubConfig, BigInt(Math.floor(Date.now() / 1000)))
    for (const v of snapshot.vaults) await coSignersAt(v.chainId, v.asOfBlock)
    for (const published of round.published.filter((x) => x.created)) {
      const settled = await relayUntilSettled(published.commandId)
      expect({ state: settled.state, outcome: settled.outcome }).toEqual({ state: 'executed', outcome: 'applied' })
      const signed = await decisionsOf(published.commandId)
      expect(signed.filter((d) => d.signature).length).toBeGreaterThanOrEqual(2)
    }
    const spokeRound = round.published.find((x) => x.chainId === spoke().chainId)!
    const inForce = (await spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'checkpoint' })) as { epoch: bigint }
    expect(inForce.epoch).toBe(spokeRound.epoch)

    // a hub that moves 500 USDC of the large account's entitlement to the small one: the leaves and counters are
    // consistent and the vault holds the tokens, but the small account's equity is 100 USD
    const spokeSnapshot = snapshot.vaults.find((v) => v.chainId === spoke().chainId)!
    const usdc = spoke().addresses.tokens.USDC.toLowerCase()
    const leaves = spokeSnapshot.tree.leaves.map((l) => ({
      ...l,
      entitlement:
        l.asset.toLowerCase() !== usdc ? l.entitlement : l.account === small!.address ? l.entitlement + 500n * USDC : l.account === large!.address ? l.entitlement - 500n * USDC : l.entitlement,
    }))
    const inflated = buildEscapeTree(
      leaves.map((l) => ({ chainId: spoke().chainId, account: l.account, asset: l.asset, amount: l.entitlement })),
      leaves.map((l) => ({ account: l.account, asset: l.asset, credited: l.creditedAt, debited: l.debitedAt })),
    )
    const written = await hubDb.db.transaction((tx) => writeCheckpoint(ctx(tx as unknown as typeof hubDb.db), { chainId: spoke().chainId, tree: inflated, asOfBlock: spokeSnapshot.asOfBlock }))
    expect(written.created).toBe(true)
    const refused = await relayUntilSettled(written.commandId)
    expect(refused.state).toBe('dead')
    expect(await publishedOnHub(written.commandId)).toBe(false)
    const decisions = await decisionsOf(written.commandId)
    expect(decisions.length).toBeGreaterThanOrEqual(3)
    expect(decisions.every((d) => d.signature === null && d.detail.code === 'exceeds_budget' && d.detail.account === small!.address)).toBe(true)
    const stillInForce = (await spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'checkpoint' })) as { epoch: bigint }
    expect(stillInForce.epoch).toBe(spokeRound.epoch)
  }, 120_000)

  it('completes a withdrawal the hub approves with 2 of the 3 co-signers while the third is stopped', async () => {
    const stopped = coSigners[2]!
    await stopped.running!.stop()
    stopped.running = undefined
    const key = devnet.keys.users[3]!
    const account = privateKeyToAddress(key)
    await userDeposit(devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount: 500n * USDC })
    await coSignersSeeBalance(account, 500n * USDC)
    const { requestId } = await userRequestWithdrawal(devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount: 200n * USDC })
    // the hub's own aggregator decides; the relayer gathers 2 signatures and carries the approval
    const approval = await until('the hub to approve the request', async () => {
      const [w] = await hubDb.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, spoke().chainId), eq(withdrawals.requestId, requestId)))
      return w?.state === 'approved' && w.commandId ? w.commandId : undefined
    })
    const r = startRelayer()
    const executed = await until(
      'the approval to execute',
      async () => {
        await r.tick()
        const c = await row(approval)
        return c.state === 'executed' ? c : undefined
      },
      60_000,
    )
    expect(executed.outcome).toBe('applied')
    const signatures = await hubDb.db.select().from(commandSignatures).where(eq(commandSignatures.commandId, approval))
    expect(new Set(signatures.map((s) => s.signer))).toEqual(new Set(devnet.keys.coSigners.slice(0, 2).map((k) => privateKeyToAddress(k))))
    const refusals = (await transitionsOf(approval)).flatMap((t) => (t.detail.refusals as { code: string }[] | undefined) ?? [])
    // the stopped co-signer is unreachable; a running one may not have ingested the request yet when first asked
    // (it signs on the retry)
    expect(refusals.filter((x) => x.code !== 'unreachable' && x.code !== 'request_not_seen')).toEqual([])
    expect(await vaultBalance(devnet, spoke().chainId, account, 'USDC')).toBe(300n * USDC)
  }, 90_000)
})
