import type { ChainConfig } from '@unimargin/chains'
import { MarginVault } from '@unimargin/contracts'
import { chainCheckpoints, chainEvents, collateralBalances, commands, type Database, eq, isNull, sql } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator'
import { type Address, type Hex, type Log, parseEventLogs } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type Pipeline, startPipeline, waitFor } from '../harness.js'
import { type FaultPlan, type FaultProxy, startFaultProxy } from './faultProxy.js'

/** What one seeded run did and saw. */
export type FaultRunReport = {
  seed: number
  database: Database['kind']
  /** the chain a reorg below finality was made on (its ingestion must halt and the run stops there for it) */
  deepReorgChain: number | undefined
  /** reorgs inside the finality window, all chains */
  shallowReorgs: number
  /** rounds of PostgreSQL backends terminated under the node */
  connectionDrops: number
  /** user operations run (deposits and withdrawal requests) */
  operations: number
  /** user operations whose request to the anvil timed out (the machine was loaded); the chains still decide */
  userTimeouts: number
  /** faults injected by the proxies, by kind */
  injected: Record<string, number>
  /** vault logs compared with the ingested events, per chain id */
  logsChecked: Record<number, number>
}

export type RunFaultScenarioParameters = {
  seed: number
  database: Database
  /** first of the ports the run uses: anvils at `basePort`, `+1`, `+2`, proxies from `basePort + 10` */
  basePort: number
}

/** A broken guarantee, with the seed that shows it. */
export class FaultInvariantError extends Error {
  override name = 'FaultInvariantError'
}

const usdc = (n: number) => BigInt(n) * 10n ** 6n
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** a JSON-RPC call viem has no action for */
const anvil = (c: { publicClient: { request: (args: never) => Promise<unknown> } }, method: string, params: unknown[]) => c.publicClient.request({ method, params } as never)
const between = (r: RandomGenerator, lo: number, hi: number) => lo + uniformFloat64(r) * (hi - lo)
/** a log's identity in a chain: its block, index and transaction */
const keyOf = (l: { blockHash: string | null; logIndex: number | null; transactionHash: string | null }) => `${l.blockHash}:${l.logIndex}:${l.transactionHash}`.toLowerCase()

/**
 * One seeded run of the whole hub (3 anvils, watchers, aggregator, relayer, co-signers) behind fault-injecting
 * JSON-RPC proxies: the hub's chain has two providers and no quorum (transient faults only), the two others three
 * providers, one of them a liar (forged, truncated and empty `eth_getLogs`, a lagging head), and a quorum of 2. Every
 * provider drops and reorders some of the relayer's transactions. Users deposit and request withdrawals while the
 * chains reorganise inside their finality window (`anvil_reorg`, the transactions mined again in the new blocks),
 * PostgreSQL backends are terminated (`pg_terminate_backend`) and, on about a third of the seeds, one chain
 * reorganises below finality. Then the faults stop, the hub settles, and the final state is compared with the chains.
 * @throws {FaultInvariantError} naming the invariant that does not hold: a vault log lost, ingested twice, a forged
 * or stale event credited, a ledger balance different from the vault's, a command executed twice or not recorded, a
 * deep reorg that did not halt its chain or stopped another.
 */
export async function runFaultScenario(parameters: RunFaultScenarioParameters): Promise<FaultRunReport> {
  const { seed, database, basePort } = parameters
  const rng = xoroshiro128plus(seed)
  const fork = () => xoroshiro128plus(uniformInt(rng, 0, 2 ** 31 - 1))
  const report: FaultRunReport = {
    seed,
    database: database.kind,
    deepReorgChain: undefined,
    shallowReorgs: 0,
    connectionDrops: 0,
    operations: 0,
    userTimeouts: 0,
    injected: {},
    logsChecked: {},
  }

  // the whole plan is drawn before anything starts, so a seed always means the same faults
  const transient = () => ({
    error: between(rng, 0, 0.06),
    reset: between(rng, 0, 0.03),
    rateLimit: between(rng, 0, 0.04),
    cutBody: between(rng, 0, 0.03),
    hang: uniformFloat64(rng) < 0.2 ? 0.003 : 0,
  })
  const sends = () => ({ drop: between(rng, 0, 0.2), hold: between(rng, 0, 0.2) })
  const liar = () => ({ forge: between(rng, 0.1, 0.4), truncate: between(rng, 0, 0.3), empty: between(rng, 0, 0.2), lagBlocks: uniformInt(rng, 0, 6) })
  const plans: FaultPlan[][] = [[0, 1].map(() => ({ transient: transient(), sends: sends() }))]
  for (const _ of [1, 2]) {
    const liarAt = uniformInt(rng, 0, 2)
    plans.push([0, 1, 2].map((i) => ({ transient: transient(), sends: sends(), liar: i === liarAt ? liar() : undefined })))
  }
  const proxyRngs = plans.map((chain) => chain.map(() => fork()))
  const chaosRng = fork()
  const opsRng = fork()
  const deepReorgAt = uniformFloat64(rng) < 0.35 ? uniformInt(rng, 2, 5) : undefined
  const deepReorgIndex = uniformInt(rng, 1, 2)
  const operationCount = uniformInt(rng, 6, 12)

  const proxies: FaultProxy[] = []
  let nextPort = basePort + 10
  let p: Pipeline | undefined
  let chaos: Promise<void> | undefined
  const halt = { chaos: false }
  try {
    p = await startPipeline({
      database,
      basePort,
      // whole seconds: mining is paused around each reorg and restored with anvil's interval, which takes only those
      blockTimeSeconds: 1,
      nodeChain: async (chain: ChainConfig, index: number) => {
        const plan = plans[index]
        if (!plan) throw new Error(`the fault plan has no chain ${index}`)
        const asset = chain.assets.find((a) => a.symbol === 'USDC')?.address ?? chain.assets[0]!.address
        const urls: string[] = []
        for (const [i, providerPlan] of plan.entries()) {
          const proxy = await startFaultProxy({ upstream: chain.rpcUrl, port: nextPort++, rng: proxyRngs[index]![i]!, plan: providerPlan, forge: { vault: chain.vault, asset } })
          proxies.push(proxy)
          urls.push(proxy.url)
        }
        return { ...chain, rpcUrl: urls[0]!, fallbackRpcUrls: urls.slice(1), quorum: urls.length > 2 ? 2 : 1 }
      },
    })
    const pipeline = p
    const chains = pipeline.devnet.chains.map((c) => c.chainId)
    const users = pipeline.devnet.keys.users.map((key) => ({ key: key as Hex, address: privateKeyToAddress(key as Hex) }))
    const confirmations = pipeline.devnet.config.chains[0]!.confirmations
    const halted = new Set<number>()
    const live = () => chains.filter((c) => !halted.has(c))

    // liquidity on every chain, so a vault can pay withdrawals covered by collateral elsewhere
    for (const chainId of chains) await userDeposit(pipeline.devnet, { chainId, key: users[0]!.key, symbol: 'USDC', amount: usdc(100_000) })

    /** no block is mined while `f` runs: a reorg sees the blocks it read */
    const paused = async <T>(chainId: number, f: () => Promise<T>): Promise<T> => {
      const c = pipeline.devnet.chain(chainId)
      await c.testClient.setIntervalMining({ interval: 0 })
      await c.testClient.setAutomine(false)
      try {
        return await f()
      } finally {
        await c.testClient.setIntervalMining({ interval: pipeline.blockTimeSeconds })
      }
    }
    /** replaces the last `depth` blocks of the chain with new ones holding the same transactions, in the same order */
    const reorg = (chainId: number, depth: number) =>
      paused(chainId, async () => {
        const c = pipeline.devnet.chain(chainId)
        const head = await c.publicClient.getBlockNumber({ cacheTime: 0 })
        const txs: [Hex, number][] = []
        const slots = Number(depth)
        let slot = 0
        for (let n = head - BigInt(depth) + 1n; n <= head; n++) {
          const block = await c.publicClient.getBlock({ blockNumber: n })
          // the same order, possibly in other blocks of the new branch
          slot = Math.min(slots - 1, slot + uniformInt(chaosRng, 0, 1))
          for (const hash of block.transactions) txs.push([(await anvil(c, 'eth_getRawTransactionByHash', [hash])) as Hex, slot])
        }
        await pipeline.devnet.reorg(chainId, depth, txs)
      })

    const terminateBackends = () =>
      database.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)

    // chaos beside the users: shallow reorgs on any chain, dropped database connections
    let chaosError: unknown
    chaos = (async () => {
      while (!halt.chaos) {
        await sleep(between(chaosRng, 800, 3_000))
        if (halt.chaos) break
        const action = uniformFloat64(chaosRng)
        try {
          if (action < 0.6 || database.kind !== 'postgres') {
            const chainId = live()[uniformInt(chaosRng, 0, live().length - 1)]!
            await reorg(chainId, uniformInt(chaosRng, 1, confirmations))
            report.shallowReorgs++
          } else {
            await terminateBackends()
            report.connectionDrops++
          }
        } catch (error) {
          // a terminated connection may have been the one asking; the next round goes on
          if (!/terminat|connection|closed/i.test((error as Error).message)) throw error
        }
      }
    })().catch((error: unknown) => {
      chaosError = error
    })

    const checkpointOf = async (chainId: number) => (await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId)))[0]

    for (let op = 0; op < operationCount; op++) {
      if (op === deepReorgAt) {
        const chainId = chains[deepReorgIndex]!
        const checkpoint = await waitFor('a checkpoint to reorganise below', () => checkpointOf(chainId), 120_000)
        const head = await pipeline.devnet.chain(chainId).publicClient.getBlockNumber({ cacheTime: 0 })
        const depth = Number(head - checkpoint.blockNumber) + uniformInt(opsRng, 1, 3)
        await reorg(chainId, depth)
        report.deepReorgChain = chainId
        halted.add(chainId)
        const row = await waitFor(`chain ${chainId} to halt after a reorg ${depth} blocks deep`, async () => (await checkpointOf(chainId))?.haltedReason ? checkpointOf(chainId) : undefined, 120_000)
        if (!/reorganised below its finality depth/.test(row?.haltedReason ?? ''))
          throw new FaultInvariantError(`chain ${chainId} halted for another reason after a deep reorg: ${row?.haltedReason}`)
        for (const other of live()) {
          const c = await checkpointOf(other)
          if (c?.haltedReason) throw new FaultInvariantError(`chain ${other} halted too after a deep reorg on ${chainId}: ${c.haltedReason}`)
        }
      }
      const user = users[uniformInt(opsRng, 1, users.length - 1)]!
      const chainId = live()[uniformInt(opsRng, 0, live().length - 1)]!
      const deposit = uniformFloat64(opsRng) < 0.55
      const amount = deposit ? usdc(uniformInt(opsRng, 100, 5_000)) : usdc(uniformInt(opsRng, 50, 3_000))
      try {
        // the users talk to the anvils directly: a loaded machine can time their requests out, which the hub must
        // not care about (the comparison below is with whatever the chains hold)
        if (deposit) await userDeposit(pipeline.devnet, { chainId, key: user.key, symbol: 'USDC', amount })
        else await userRequestWithdrawal(pipeline.devnet, { chainId, key: user.key, symbol: 'USDC', amount })
        report.operations++
      } catch (error) {
        if (!/took too long|timed out/i.test((error as Error).message)) throw error
        report.userTimeouts++
      }
      await sleep(between(opsRng, 0, 1_500))
    }
    // after a deep reorg the other chains keep going: one more deposit on each must be credited
    if (report.deepReorgChain !== undefined)
      for (const chainId of live()) await userDeposit(pipeline.devnet, { chainId, key: users[1]!.key, symbol: 'USDC', amount: usdc(1) })

    halt.chaos = true
    await chaos
    if (chaosError) throw chaosError
    for (const proxy of proxies) await proxy.heal()

    // settle: every withdrawal request resolved on its chain, then every block up to there ingested and processed
    const vaultLogs = async (chainId: number, toBlock?: bigint) => {
      const c = pipeline.devnet.chain(chainId)
      return c.publicClient.getLogs({ address: c.addresses.vault, fromBlock: 0n, toBlock: toBlock ?? 'latest' })
    }
    for (const chainId of live()) {
      const settledAt = await waitFor(
        `every withdrawal request on chain ${chainId} to be executed, rejected or cancelled`,
        async () => {
          const events = parseEventLogs({ abi: MarginVault.abi, logs: await vaultLogs(chainId) })
          const requested = events.filter((e) => e.eventName === 'WithdrawalRequested').length
          const resolved = events.filter((e) => ['WithdrawalExecuted', 'WithdrawalRejected', 'WithdrawalCancelled'].includes(e.eventName)).length
          return requested === resolved ? await pipeline.devnet.chain(chainId).publicClient.getBlockNumber({ cacheTime: 0 }) : undefined
        },
        180_000,
      )
      await waitFor(`chain ${chainId} to be ingested up to block ${settledAt}`, async () => ((await checkpointOf(chainId))?.blockNumber ?? -1n) >= settledAt, 90_000)
    }
    await waitFor('every ingested event to be processed', async () => (await database.db.select({ id: chainEvents.id }).from(chainEvents).where(isNull(chainEvents.processedAt))).length === 0, 90_000)

    // ground truth, chain by chain
    const problems: string[] = []
    const allCommands = await database.db.select().from(commands)
    for (const chainId of live()) {
      const c = pipeline.devnet.chain(chainId)
      const checkpoint = (await checkpointOf(chainId))!
      const rows = await database.db.select().from(chainEvents).where(eq(chainEvents.chainId, chainId))
      const addresses = [...new Set([c.addresses.vault.toLowerCase(), ...rows.map((r) => r.address.toLowerCase())])] as Address[]
      const startBlock = pipeline.devnet.config.chains.find((x) => x.chainId === chainId)?.startBlock ?? 0n
      const actual: Log[] = await c.publicClient.getLogs({ address: addresses, fromBlock: startBlock, toBlock: checkpoint.blockNumber })
      report.logsChecked[chainId] = actual.length
      const actualKeys = new Set(actual.map(keyOf))
      const seen = new Map<string, number>()
      for (const r of rows) {
        const key = keyOf({ blockHash: r.blockHash, logIndex: r.logIndex, transactionHash: r.txHash })
        seen.set(key, (seen.get(key) ?? 0) + 1)
        if (!actualKeys.has(key)) problems.push(`chain ${chainId}: ingested ${r.eventName} ${key} is not a log of the chain (forged or reorganised away)`)
      }
      for (const l of actual) {
        const n = seen.get(keyOf(l)) ?? 0
        if (n === 0) problems.push(`chain ${chainId}: log ${keyOf(l)} of block ${l.blockNumber} was never ingested (lost)`)
        if (n > 1) problems.push(`chain ${chainId}: log ${keyOf(l)} was ingested ${n} times (doubled)`)
      }
      // the same transaction's log ingested under two block hashes would be a doubled credit too
      const byTx = new Map<string, number>()
      for (const r of rows) byTx.set(`${r.txHash}:${r.logIndex}`, (byTx.get(`${r.txHash}:${r.logIndex}`) ?? 0) + 1)
      for (const [k, n] of byTx) if (n > 1) problems.push(`chain ${chainId}: log ${k} ingested ${n} times under different blocks (doubled)`)

      // the ledger equals the vault, account by account
      const ledger = await database.db.select().from(collateralBalances).where(eq(collateralBalances.chainId, chainId))
      const usdcAddress = c.addresses.tokens.USDC.toLowerCase()
      const accounts = new Set([...users.map((u) => u.address.toLowerCase()), ...ledger.filter((r) => r.asset.toLowerCase() === usdcAddress).map((r) => r.account.toLowerCase())])
      for (const account of accounts) {
        const booked = ledger.find((r) => r.account.toLowerCase() === account && r.asset.toLowerCase() === usdcAddress)?.amount ?? 0n
        const onChain = await vaultBalance(pipeline.devnet, chainId, account as Address, 'USDC')
        if (booked !== onChain) problems.push(`chain ${chainId}: ledger has ${booked} USDC base units for ${account}, the vault ${onChain}`)
      }

      // every command executed on the chain at most once, and the ledger's executed commands are exactly those
      const executed = parseEventLogs({ abi: MarginVault.abi, logs: actual.filter((l) => l.address.toLowerCase() === c.addresses.vault.toLowerCase()), eventName: 'CommandExecuted' })
      const executions = new Map<string, number>()
      for (const e of executed) executions.set(e.args.commandId.toLowerCase(), (executions.get(e.args.commandId.toLowerCase()) ?? 0) + 1)
      for (const [id, n] of executions) if (n > 1) problems.push(`chain ${chainId}: command ${id} executed ${n} times`)
      for (const command of allCommands.filter((x) => x.destChainId === chainId)) {
        const n = executions.get(command.id.toLowerCase()) ?? 0
        if (command.state === 'executed' && n !== 1) problems.push(`chain ${chainId}: command ${command.id} is executed in the ledger, ${n} times on chain`)
        if (command.state !== 'executed' && n > 0) problems.push(`chain ${chainId}: command ${command.id} is ${command.state} in the ledger but executed on chain`)
      }
    }
    for (const proxy of proxies) for (const [kind, n] of Object.entries(proxy.injected)) report.injected[kind] = (report.injected[kind] ?? 0) + n
    if (problems.length > 0) throw new FaultInvariantError(`${problems.length} broken guarantees:\n${problems.slice(0, 20).join('\n')}`)
    return report
  } finally {
    halt.chaos = true
    await chaos
    // a service stuck on a database query that never settles would hold the stop, and the anvils' ports with it
    const pipeline = p
    if (pipeline) await Promise.race([pipeline.stop().catch(() => undefined), sleep(30_000).then(() => pipeline.devnet.stop())])
    await Promise.all(proxies.map((proxy) => proxy.close()))
  }
}
