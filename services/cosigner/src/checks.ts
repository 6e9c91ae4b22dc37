import { buildMargin, readAccount, readBalance, valueAccount } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { and, type DbOrTx, eq, withdrawals } from '@unimargin/db'
import { type CheckpointEvidence, type Command, CommandDecodeError, decodeCommand } from '@unimargin/protocol'
import type { Hex } from 'viem'
import { checkCheckpoint } from './checkpoint.js'
import { refuse, type Verdict } from './verdict.js'

export type { Refusal, Verdict } from './verdict.js'

export type CheckParameters = {
  db: DbOrTx
  config: Config
  /** encoded command payload */
  payload: Hex
  /**
   * how far below initial margin (ApproveWithdrawal) or above maintenance margin (Lock, Seize), bps of that
   * margin, this co-signer's valuation may be and still agree with the hub (prices and blocks seen a little apart)
   */
  toleranceBps: number
  /** unix seconds "now" for price ages and valuations */
  nowSeconds: bigint
  /** for a Checkpoint command: the leaves the hub sends with it (see {@link CheckpointEvidence}); ignored otherwise */
  evidence?: CheckpointEvidence
}

const s = (v: bigint) => v.toString()

/**
 * Checks one command against this co-signer's own view of the chains (its own watchers' events, applied by the
 * aggregator's code to its own database, valued with its own prices):
 * - ApproveWithdrawal: the request exists on the vault as seen here, for the command's account, and with it paid the
 *   account stays at or above initial margin less `toleranceBps`;
 * - Lock, Seize: the account is locked here (this co-signer's aggregator found it below the liquidation trigger)
 *   or its equity is below maintenance margin plus `toleranceBps`; a Seize moves at most the balance seen on that
 *   vault;
 * - RejectWithdrawal, Unlock (they return or release funds), SetLimits (operator limits): signed;
 * - Checkpoint (escape hatch): see {@link checkCheckpoint}: the block is one it has ingested and processed, the
 *   leaves sent as evidence rebuild the command's root, carry this co-signer's own counters of the vault as of that
 *   block (every counted pair has a leaf), pay per asset at most the tokens the vault holds by those counters, and,
 *   added to the other vaults' latest leaves, give no account more than its own budget (equity after worst-case
 *   loss) plus `toleranceBps`, at this co-signer's prices;
 * - a payload that does not decode, or a vault that is not the configured one of its chain: refused for good (422).
 * Read-only. Units: usd8 for values, token base units for amounts.
 */
export async function checkCommand(p: CheckParameters): Promise<Verdict> {
  const { config } = p
  let command: Command
  try {
    command = decodeCommand(p.payload)
  } catch (error) {
    if (error instanceof CommandDecodeError) return { sign: false, command: undefined, status: 422, code: 'invalid_payload', reason: error.message, detail: {} }
    throw error
  }
  const chain = config.chains.find((c) => BigInt(c.chainId) === command.destChainId)
  if (!chain || chain.vault.toLowerCase() !== command.vault.toLowerCase())
    return refuse(command, 422, 'unknown_vault', `Vault ${command.vault} is not the configured vault of chain ${command.destChainId}.`)

  switch (command.kind) {
    case 'RejectWithdrawal':
    case 'Unlock':
      return { sign: true, command, detail: { rule: 'returns or releases funds' } }
    case 'SetLimits':
      return { sign: true, command, detail: { rule: 'operator limits' } }
    case 'Checkpoint':
      return checkCheckpoint(p, command)
    case 'ApproveWithdrawal':
      return checkApproval(p, command)
    case 'Lock':
    case 'Seize':
      return checkLiquidation(p, command)
    default:
      return refuse(command, 422, 'unsupported_kind', `Command kind ${(command as Command).kind} is never co-signed.`)
  }
}

async function checkApproval(p: CheckParameters, command: Extract<Command, { kind: 'ApproveWithdrawal' }>): Promise<Verdict> {
  const chainId = Number(command.destChainId)
  const [request] = await p.db
    .select()
    .from(withdrawals)
    .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, command.requestId)))
  if (!request) return refuse(command, 409, 'request_not_seen', `No withdrawal request ${command.requestId} on chain ${chainId} has been seen on its vault.`)
  const detail: Record<string, unknown> = { request: { account: request.account, asset: request.asset, amount: s(request.amount), state: request.state } }
  if (request.account.toLowerCase() !== command.account.toLowerCase())
    return refuse(command, 422, 'wrong_account', `Withdrawal request ${command.requestId} on chain ${chainId} belongs to ${request.account}, not ${command.account}.`, detail)
  if (request.escrowClosedAt) return refuse(command, 422, 'request_closed', `Withdrawal request ${command.requestId} on chain ${chainId} is already closed.`, detail)
  const account = await readAccount(p.db, request.account)
  const valuation = await valueAccount(p.db, p.config, account, p.nowSeconds)
  // while the request is reserved or approved here its escrow is already out of the balances; once this
  // co-signer's own aggregator rejected it (or it expired), the escrow is back and is taken out again to value the payout
  const escrowOut = request.state === 'reserved' || request.state === 'approved'
  const { equityUsd8, imUsd8 } = escrowOut
    ? valuation.margin
    : buildMargin(
        valuation.config,
        valuation.book,
        takeOut(valuation.balances, { chainId, asset: request.asset, amount: request.amount }),
        valuation.positionRows,
        account.settledPnl,
        p.nowSeconds,
      ).margin
  const floor = (imUsd8 * BigInt(10_000 - p.toleranceBps)) / 10_000n
  Object.assign(detail, { equity_usd8: s(equityUsd8), im_usd8: s(imUsd8), floor_usd8: s(floor), price_problems: valuation.priceProblems.length })
  if (valuation.priceProblems.length > 0)
    return refuse(command, 409, 'cannot_value', `The account cannot be valued: ${valuation.priceProblems.map((x) => `${x.symbol} ${x.problem}`).join(', ')}.`, detail)
  if (equityUsd8 < floor)
    return refuse(
      command,
      409,
      'below_initial_margin',
      `After the withdrawal equity ${s(equityUsd8)} usd8 would be below initial margin ${s(imUsd8)} usd8 less ${p.toleranceBps} bps (${s(floor)} usd8).`,
      detail,
    )
  return { sign: true, command, detail }
}

async function checkLiquidation(p: CheckParameters, command: Extract<Command, { kind: 'Lock' | 'Seize' }>): Promise<Verdict> {
  const account = await readAccount(p.db, command.account)
  const valuation = await valueAccount(p.db, p.config, account, p.nowSeconds)
  const { equityUsd8, mmUsd8 } = valuation.margin
  const trigger = (mmUsd8 * BigInt(10_000 + p.toleranceBps)) / 10_000n
  const detail: Record<string, unknown> = { lock_state: account.lockState, lock_epoch: account.lockEpoch, equity_usd8: s(equityUsd8), mm_usd8: s(mmUsd8), trigger_usd8: s(trigger) }
  const lockedHere = account.lockState !== 'unlocked'
  const below = valuation.positions.length > 0 && valuation.priceProblems.every((x) => x.problem !== 'missing') && equityUsd8 < trigger
  if (!lockedHere && !below)
    return refuse(
      command,
      409,
      'healthy_account',
      `Account ${command.account} is not below the liquidation trigger here: equity ${s(equityUsd8)} usd8, maintenance margin ${s(mmUsd8)} usd8 plus ${p.toleranceBps} bps, ${valuation.positions.length} positions, ${account.lockState}.`,
      detail,
    )
  if (command.kind === 'Seize') {
    const chainId = Number(command.destChainId)
    const balance = await readBalance(p.db, { account: command.account, chainId, asset: command.asset })
    detail.balance = s(balance)
    if (command.amount > balance)
      return refuse(command, 409, 'seize_exceeds_balance', `Seize of ${s(command.amount)} exceeds the balance ${s(balance)} of ${command.account} seen on chain ${chainId} for ${command.asset}.`, detail)
  }
  return { sign: true, command, detail }
}

/** `balances` with `amount` of (chain, asset) taken out: the account's balances after that payout. */
function takeOut<T extends { chainId: number; asset: string; amount: bigint }>(balances: T[], out: { chainId: number; asset: string; amount: bigint }): T[] {
  return balances.map((b) => (b.chainId === out.chainId && b.asset.toLowerCase() === out.asset.toLowerCase() ? { ...b, amount: b.amount - out.amount } : b))
}
