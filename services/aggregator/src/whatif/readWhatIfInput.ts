import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import { getAddress } from 'viem'
import { toUnixSeconds } from '../common/format.js'
import { readAccount } from '../ledger/index.js'
import { accountConfigOf } from '../riskParameters/index.js'
import { readValuationRows } from '../valuation/index.js'
import type { WhatIfInput } from './computeWhatIf.js'

/**
 * Reads what a what-if of `address` computes from (the same rows as the account's valuation), on the caller's
 * thread: the computation itself ({@link computeWhatIf}) may then run elsewhere.
 * - Tables: `accounts`, `balances`, `positions`, `prices`, `valuation_blocks` (through `readValuationRows`); with a
 *   volatility-driven grid, `chain_events` for the account's parameter set (`accountConfigOf`).
 * @param now the valuation time
 */
export async function readWhatIfInput(db: DbOrTx, config: Config, address: string, now: Date): Promise<WhatIfInput> {
  const account = await readAccount(db, getAddress(address))
  const nowSeconds = toUnixSeconds(now)
  const [{ balances, positionRows, book }, under] = await Promise.all([
    readValuationRows(db, config, account.address, nowSeconds),
    accountConfigOf(db, config, account.address, now.getTime()),
  ])
  return {
    balances,
    positionRows,
    settledPnlUsd8: account.settledPnl,
    nowSeconds,
    quotes: book.quotes,
    blocks: book.blocks,
    ...(under.sets ? { parameterSets: under.sets } : {}),
  }
}
