import type { Config } from '@unimargin/chains'
import { and, chainEvents, type DbOrTx, eq, inArray, lte } from '@unimargin/db'
import { type Address, getAddress } from 'viem'
import { readAccount } from '../ledger/index.js'
import { valueAccount } from '../valuation/index.js'
import type { EscapeCounters } from './tree.js'

/** The vault events that move the escape counters (see MarginVault's `EscapeLedger`). */
const COUNTER_EVENTS = ['Deposited', 'WithdrawalExecuted', 'Seized']

/**
 * A vault's escape counters as of a block, from the vault events stored in `chain_events` up to and including
 * `asOfBlock`, counted exactly as the vault counts them: Deposited credits the account, WithdrawalExecuted debits it,
 * Seized debits the account and credits the receiver. An (account, asset) pair is listed once any of these events
 * named it (a zero Seize names nobody).
 * @param vault the vault's address on `chainId` (events of other emitters are ignored)
 * @returns one entry per (account, asset), sorted by lower-case account then asset; base units.
 */
export async function countEscapeCounters(tx: DbOrTx, parameters: { chainId: number; vault: Address; asOfBlock: bigint }): Promise<EscapeCounters[]> {
  const { chainId, vault, asOfBlock } = parameters
  const counters = new Map<string, EscapeCounters>()
  const counter = (account: string, asset: string) => {
    const key = `${account.toLowerCase()}|${asset.toLowerCase()}`
    let c = counters.get(key)
    if (!c) {
      c = { account: getAddress(account), asset: getAddress(asset), credited: 0n, debited: 0n }
      counters.set(key, c)
    }
    return c
  }
  const events = await tx
    .select()
    .from(chainEvents)
    .where(and(eq(chainEvents.chainId, chainId), lte(chainEvents.blockNumber, asOfBlock), inArray(chainEvents.eventName, COUNTER_EVENTS)))
  for (const e of events) {
    if (e.address.toLowerCase() !== vault.toLowerCase()) continue
    const a = e.args as Record<string, string>
    const amount = BigInt(a.amount ?? '0')
    if (e.eventName === 'Deposited') counter(a.account!, a.asset!).credited += amount
    else if (e.eventName === 'WithdrawalExecuted') counter(a.account!, a.asset!).debited += amount
    else if (amount > 0n) {
      counter(a.account!, a.asset!).debited += amount
      counter(a.receiver!, a.asset!).credited += amount
    }
  }
  return [...counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c)
}

/**
 * The tokens of `asset` a vault holds by its counters: the sum over accounts of `credited − debited` (balance plus
 * escrow), never below 0; base units.
 */
export function vaultTokensOf(counters: readonly EscapeCounters[], asset: Address): bigint {
  let tokens = 0n
  for (const c of counters) if (c.asset.toLowerCase() === asset.toLowerCase()) tokens += c.credited - c.debited
  return tokens > 0n ? tokens : 0n
}

/**
 * An account's escape budget: its equity after the worst-case loss, usd8 — equity minus the portfolio engine's
 * worst-scenario loss, or minus maintenance margin under the linear model, valued at `referenceTs` (unix seconds)
 * from the database's balances, positions and prices. May be negative (the account gets nothing).
 */
export async function escapeBudgetUsd8(tx: DbOrTx, config: Config, account: Address, referenceTs: bigint): Promise<bigint> {
  const valuation = await valueAccount(tx, config, await readAccount(tx, account), referenceTs)
  const loss = valuation.margin.risk?.worstLossUsd8 ?? valuation.margin.mmUsd8
  return valuation.margin.equityUsd8 - loss
}
