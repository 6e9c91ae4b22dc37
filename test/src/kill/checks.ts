import { verifyRebuild } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { MarginHub, MarginVault, MockERC20, MockPriceFeed, VaultRegistry } from '@unimargin/contracts'
import { accounts, chainCheckpoints, chainEvents, collateralBalances, commands, type Db, liquidations, withdrawals } from '@unimargin/db'
import type { Devnet, DevnetChain } from '@unimargin/devnet'
import { decodeCommand } from '@unimargin/protocol'
import { type Abi, type Address, type Hex, type Log, parseEventLogs } from 'viem'
import type { RequestMade } from './scenario.js'

/** What the final checks read: the node's database once it has stopped, its config, the chains and what the scenario did. */
export type CheckContext = {
  db: Db
  config: Config
  devnet: Devnet
  /** every withdrawal request the scenario made */
  requests: readonly RequestMade[]
  /** every account the scenario moved money for */
  accounts: readonly Address[]
}

/**
 * One guarantee, checked once the scenario has drained and the node has stopped: `run` returns every violation it
 * finds as a sentence (empty when the guarantee holds), so one run reports all that broke.
 */
export type FinalCheck = { name: string; run: (ctx: CheckContext) => Promise<string[]> }

type Decoded = { eventName: string; args: Record<string, unknown>; blockHash: Hex; blockNumber: bigint; logIndex: number; transactionHash: Hex }

/** Every log of `address` from `fromBlock` to the head that decodes under `abi`. */
async function logsOf(chain: DevnetChain, address: Address | Address[], abi: Abi, fromBlock: bigint): Promise<Decoded[]> {
  const logs = await chain.publicClient.getLogs({ address, fromBlock, toBlock: 'latest' })
  return parseEventLogs({ abi, logs: logs as Log[], strict: true }) as unknown as Decoded[]
}

const lower = (s: string) => s.toLowerCase()

/** Each vault's ERC-20 balance, per asset, equals the ledger's balances plus the escrow of requests still open; each account's vault balance and escrow equal the ledger's. */
const vaultsEqualLedger: FinalCheck = {
  name: "every vault's tokens equal the ledger (balances + escrow per asset and chain)",
  async run({ db, devnet, accounts: known }) {
    const problems: string[] = []
    const ledger = await db.select().from(collateralBalances)
    const open = (await db.select().from(withdrawals)).filter((w) => w.escrowClosedAt === null)
    for (const chain of devnet.chains) {
      const { vault } = chain.addresses
      for (const [symbol, token] of Object.entries(chain.addresses.tokens)) {
        const held = await chain.publicClient.readContract({ address: token, abi: MockERC20.abi, functionName: 'balanceOf', args: [vault] })
        const balances = ledger.filter((r) => r.chainId === chain.chainId && lower(r.asset) === lower(token)).reduce((s, r) => s + r.amount, 0n)
        const escrow = open.filter((w) => w.chainId === chain.chainId && lower(w.asset) === lower(token)).reduce((s, w) => s + w.amount, 0n)
        if (held !== balances + escrow)
          problems.push(`${chain.name} vault holds ${held} ${symbol}; the ledger has ${balances} in balances and ${escrow} in escrow (${balances + escrow})`)
        const holders = new Set([...known.map(lower), ...ledger.filter((r) => r.chainId === chain.chainId).map((r) => lower(r.account))])
        for (const account of holders) {
          const onChain = await chain.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [account as Address, token] })
          const row = ledger.find((r) => r.chainId === chain.chainId && lower(r.account) === account && lower(r.asset) === lower(token))
          if (onChain !== (row?.amount ?? 0n)) problems.push(`${account} holds ${onChain} ${symbol} in the ${chain.name} vault; the ledger says ${row?.amount ?? 0n}`)
          const escrowed = await chain.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'escrowOf', args: [account as Address, token] })
          const ledgerEscrow = open.filter((w) => w.chainId === chain.chainId && lower(w.account) === account && lower(w.asset) === lower(token)).reduce((s, w) => s + w.amount, 0n)
          if (escrowed !== ledgerEscrow) problems.push(`${account} has ${escrowed} ${symbol} in escrow in the ${chain.name} vault; the ledger says ${ledgerEscrow}`)
        }
      }
    }
    return problems
  },
}

/** No command id appears in two `CommandExecuted` events of its vault, and each command the outbox calls executed has exactly one. */
const executedOnce: FinalCheck = {
  name: 'no command id executed twice on-chain, and each executed command of the outbox executed exactly once',
  async run({ db, devnet }) {
    const problems: string[] = []
    const rows = await db.select().from(commands)
    for (const chain of devnet.chains) {
      const executed = (await logsOf(chain, chain.addresses.vault, MarginVault.abi, chain.startBlock)).filter((l) => l.eventName === 'CommandExecuted')
      const count = new Map<string, number>()
      for (const e of executed) count.set(lower(e.args.commandId as string), (count.get(lower(e.args.commandId as string)) ?? 0) + 1)
      for (const [id, n] of count) {
        if (n > 1) problems.push(`command ${id} executed ${n} times on ${chain.name}`)
        const row = rows.find((r) => lower(r.id) === id)
        if (!row) problems.push(`command ${id} executed on ${chain.name} but the outbox has no such command`)
        else if (row.state !== 'executed') problems.push(`command ${id} executed on ${chain.name} but the outbox has it ${row.state}`)
      }
      for (const r of rows.filter((r) => r.destChainId === chain.chainId && r.state === 'executed'))
        if (!count.has(lower(r.id))) problems.push(`the outbox has ${r.kind} ${r.id} executed, but ${chain.name}'s vault never executed it`)
    }
    return problems
  },
}

/** MarginHub published each command at most once per transport: a restarted relayer reuses what its killed run sent. */
const publishedOnce: FinalCheck = {
  name: 'each command published at most once per transport',
  async run({ devnet }) {
    const hub = devnet.chains.find((c) => c.isHub)!
    const logs = await logsOf(hub, devnet.hub.address, MarginHub.abi, hub.startBlock)
    const problems: string[] = []
    for (const eventName of ['CommandPublished', 'CommandSentLz']) {
      const count = new Map<string, number>()
      for (const l of logs.filter((l) => l.eventName === eventName)) count.set(lower(l.args.commandId as string), (count.get(lower(l.args.commandId as string)) ?? 0) + 1)
      for (const [id, n] of count) if (n > 1) problems.push(`command ${id} has ${n} ${eventName} events on the hub`)
    }
    return problems
  },
}

/**
 * Every `WithdrawalExecuted` comes from the execution of an ApproveWithdrawal of the outbox for that very request
 * (same transaction as its `CommandExecuted`, outcome applied), the withdrawal is recorded executed under that
 * command, and every token that left a vault is such a payout.
 */
const paidOnlyWhenApproved: FinalCheck = {
  name: 'no withdrawal paid without its approval',
  async run({ db, devnet }) {
    const problems: string[] = []
    const approvals = (await db.select().from(commands))
      .filter((c) => c.kind === 'ApproveWithdrawal')
      .map((c) => ({ row: c, command: decodeCommand(c.payload as Hex) as { requestId: bigint } }))
    const rows = await db.select().from(withdrawals)
    for (const chain of devnet.chains) {
      const { vault } = chain.addresses
      const logs = await logsOf(chain, vault, MarginVault.abi, chain.startBlock)
      const paid = logs.filter((l) => l.eventName === 'WithdrawalExecuted')
      for (const p of paid) {
        const requestId = p.args.requestId as bigint
        // a request may have had several approvals (one voided by a lock epoch, then decided again): the one that paid
        // is the one executed in the payout's transaction
        const executedIn = (a: (typeof approvals)[number]) =>
          logs.find((l) => l.eventName === 'CommandExecuted' && lower(l.args.commandId as string) === lower(a.row.id) && l.transactionHash === p.transactionHash)
        const mine = approvals.filter((a) => a.row.destChainId === chain.chainId && a.command.requestId === requestId)
        const approval = mine.find((a) => executedIn(a)) ?? mine[0]
        const execution = approval && executedIn(approval)
        if (!approval) problems.push(`request ${requestId} on ${chain.name} was paid ${p.args.amount} without an ApproveWithdrawal in the outbox`)
        else if (!execution || execution.transactionHash !== p.transactionHash)
          problems.push(`request ${requestId} on ${chain.name} was paid in ${p.transactionHash}, not by the execution of its approval ${approval.row.id}`)
        const w = rows.find((r) => r.chainId === chain.chainId && r.requestId === requestId)
        if (w?.state !== 'executed' || (approval && lower(w.commandId ?? '') !== lower(approval.row.id)))
          problems.push(`request ${requestId} on ${chain.name} was paid; the ledger has it ${w?.state ?? 'missing'} under command ${w?.commandId ?? 'none'}`)
      }
      for (const [symbol, token] of Object.entries(chain.addresses.tokens)) {
        const transfers = (await logsOf(chain, token, MockERC20.abi, chain.startBlock)).filter((l) => l.eventName === 'Transfer' && lower(l.args.from as string) === lower(vault))
        const out = transfers.reduce((s, l) => s + (l.args.value as bigint), 0n)
        const payouts = paid.filter((p) => lower(p.args.asset as string) === lower(token)).reduce((s, p) => s + (p.args.amount as bigint), 0n)
        if (out !== payouts) problems.push(`${out} ${symbol} left the ${chain.name} vault; withdrawals paid account for ${payouts}`)
      }
    }
    return problems
  },
}

/**
 * Every command of the outbox was executed on its vault (none is left pending, in flight, failing or dead-lettered),
 * but for those the hub cancelled once they could no longer take effect:
 * - a Lock of a lock the hub cancelled after the co-signers refused it as a healthy account: the Unlock of its epoch
 *   executed on that chain instead;
 * - an ApproveWithdrawal whose request its vault closed without paying it (a lock's RejectWithdrawal overtook it, or
 *   the account cancelled after the timeout): the vault holds the request rejected or cancelled, never executed.
 */
const everyCommandExecuted: FinalCheck = {
  name: 'every command reached its terminal state: executed, or cancelled by the hub when moot',
  async run({ db, devnet }) {
    const all = await db.select().from(commands)
    const problems: string[] = []
    for (const c of all.filter((c) => c.state !== 'executed')) {
      const ended = `${c.kind} ${c.id} to ${c.destChainId} (${c.cause}) ended ${c.state}${c.lastError ? `: ${c.lastError}` : ''}`
      if (c.state !== 'cancelled') problems.push(ended)
      else if (c.kind === 'Lock') {
        if (!all.some((u) => u.kind === 'Unlock' && u.cause === c.cause && u.destChainId === c.destChainId && u.state === 'executed'))
          problems.push(`${ended}, but the Unlock of its epoch did not execute there`)
      } else if (c.kind === 'ApproveWithdrawal') {
        const chain = devnet.chain(c.destChainId)
        const { requestId } = decodeCommand(c.payload as Hex) as { requestId: bigint }
        const request = await chain.publicClient.readContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [requestId] })
        // WithdrawalStatus: 3 rejected, 4 cancelled
        if (request.status !== 3 && request.status !== 4) problems.push(`${ended}, but its request ${requestId} is in status ${request.status} on its vault`)
      } else problems.push(`${ended}: the hub cancels only Locks and ApproveWithdrawals`)
    }
    return problems
  },
}

/** Every request the scenario made was answered: paid or rejected on its vault, its escrow closed, and the ledger agrees. */
const everyRequestAnswered: FinalCheck = {
  name: 'every withdrawal request was answered and its escrow closed',
  async run({ db, devnet, requests }) {
    const problems: string[] = []
    const rows = await db.select().from(withdrawals)
    for (const r of requests) {
      const chain = devnet.chain(r.chainId)
      const onChain = await chain.publicClient.readContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [r.requestId] })
      const row = rows.find((w) => w.chainId === r.chainId && w.requestId === r.requestId)
      // WithdrawalStatus: 0 none, 1 pending
      if (onChain.status <= 1) problems.push(`request ${r.requestId} of ${r.account} on ${chain.name} is still ${onChain.status === 1 ? 'pending' : 'unknown'} on its vault`)
      if (!row) problems.push(`request ${r.requestId} of ${r.account} on ${chain.name} is not in the ledger`)
      else if (!['executed', 'rejected'].includes(row.state) || row.escrowClosedAt === null)
        problems.push(`request ${r.requestId} on ${chain.name} is ${row.state} in the ledger with its escrow ${row.escrowClosedAt ? 'closed' : 'open'}`)
    }
    return problems
  },
}

/** `chain_events` holds exactly the vault and feed logs of each chain up to the watcher's checkpoint, each processed. */
const noEventLost: FinalCheck = {
  name: "no event lost or doubled: chain_events equals the vaults' and feeds' logs",
  async run({ db, devnet }) {
    const problems: string[] = []
    const stored = await db.select().from(chainEvents)
    const checkpoints = await db.select().from(chainCheckpoints)
    for (const chain of devnet.chains) {
      const checkpoint = checkpoints.find((c) => c.chainId === chain.chainId)
      if (!checkpoint) {
        problems.push(`${chain.name} has no watcher checkpoint`)
        continue
      }
      const feeds = Object.values(chain.addresses.feeds)
      const onChain = [
        ...(await logsOf(chain, chain.addresses.vault, MarginVault.abi, chain.startBlock)),
        ...(await logsOf(chain, feeds, MockPriceFeed.abi, chain.startBlock)),
        // the hub chain's watcher also follows the VaultRegistry
        ...(chain.chainId === devnet.config.hub.chainId && devnet.config.registry ? await logsOf(chain, devnet.config.registry.address, VaultRegistry.abi, chain.startBlock) : []),
      ].filter((l) => l.blockNumber <= checkpoint.blockNumber)
      const key = (blockHash: string, logIndex: number) => `${lower(blockHash)}:${logIndex}`
      const mine = stored.filter((e) => e.chainId === chain.chainId)
      const storedKeys = new Map(mine.map((e) => [key(e.blockHash, e.logIndex), e]))
      const chainKeys = new Set(onChain.map((l) => key(l.blockHash, l.logIndex)))
      for (const l of onChain) {
        const row = storedKeys.get(key(l.blockHash, l.logIndex))
        if (!row) problems.push(`${l.eventName} at block ${l.blockNumber} log ${l.logIndex} on ${chain.name} is not in chain_events`)
        else if (row.eventName !== l.eventName) problems.push(`chain_events has ${row.eventName} where ${chain.name} has ${l.eventName} (block ${l.blockNumber} log ${l.logIndex})`)
      }
      for (const e of mine) {
        if (!chainKeys.has(key(e.blockHash, e.logIndex))) problems.push(`chain_events has ${e.eventName} at block ${e.blockNumber} log ${e.logIndex} that ${chain.name} does not`)
        if (e.processedAt === null) problems.push(`${e.eventName} at block ${e.blockNumber} log ${e.logIndex} on ${chain.name} was never processed`)
      }
      if (mine.length !== storedKeys.size) problems.push(`chain_events holds ${mine.length - storedKeys.size} duplicate rows for ${chain.name}`)
    }
    return problems
  },
}

/** Every liquidation settled, and every account's lock on every vault equals the hub's. */
const locksAgree: FinalCheck = {
  name: "every liquidation settled and every vault's locks equal the hub's",
  async run({ db, devnet, accounts: known }) {
    const problems = (await db.select().from(liquidations)).filter((l) => l.state !== 'settled').map((l) => `the liquidation of ${l.account} at epoch ${l.lockEpoch} is still ${l.state}`)
    const rows = await db.select().from(accounts)
    for (const account of known) {
      const row = rows.find((a) => lower(a.address) === lower(account))
      const epoch = row?.lockEpoch ?? 0
      const locked = row ? row.lockState !== 'unlocked' : false
      for (const chain of devnet.chains) {
        const [onChainLocked, onChainEpoch] = await chain.publicClient.readContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })
        if (onChainLocked !== locked || onChainEpoch !== epoch)
          problems.push(`${account} is ${row?.lockState ?? 'unknown'} at epoch ${epoch} on the hub, ${onChainLocked ? 'locked' : 'unlocked'} at epoch ${onChainEpoch} on ${chain.name}`)
      }
    }
    return problems
  },
}

/** The database equals a from-scratch rebuild from its recorded inputs (`unimargin rebuild --verify`). */
const equalsRebuild: FinalCheck = {
  name: 'the database equals a rebuild from the chain events and recorded inputs (rebuild --verify)',
  async run({ db, config }) {
    const { differences, replay } = await verifyRebuild(db, config)
    return [
      ...differences.map((d) => `${d.table} ${d.key}${d.column ? ` ${d.column}` : ''}: live ${d.live ?? '(none)'}, rebuilt ${d.rebuilt ?? '(none)'}`),
      ...replay.divergences.map((d) => `replay of ${d.input} ${d.id}: ${d.detail}`),
    ]
  },
}

/**
 * The guarantees a node must keep however often it is killed, in the order they are reported. Append a check here to
 * hold every kill run to it as well.
 */
export const finalChecks: FinalCheck[] = [
  vaultsEqualLedger,
  executedOnce,
  publishedOnce,
  paidOnlyWhenApproved,
  everyCommandExecuted,
  everyRequestAnswered,
  noEventLost,
  locksAgree,
  equalsRebuild,
]

/** Runs `checks` (default {@link finalChecks}) one after the other. @returns the checks that found violations, with them. */
export async function runFinalChecks(ctx: CheckContext, checks: readonly FinalCheck[] = finalChecks): Promise<{ name: string; problems: string[] }[]> {
  const failed: { name: string; problems: string[] }[] = []
  for (const check of checks) {
    const problems = await check.run(ctx)
    if (problems.length > 0) failed.push({ name: check.name, problems })
  }
  return failed
}
