import {
  accounts,
  aggregatorTransition,
  collateralBalances,
  commands,
  commandTransitions,
  type DbOrTx,
  insuranceFund,
  limitsSequences,
  liquidations,
  positions,
  prices,
  registeredVaults,
  valuationBlocks,
  withdrawals,
} from '@unimargin/db'

/**
 * One difference between the live and the rebuilt derived state. `key` names the row (`column=value` pairs joined
 * by `, `); `column` is null when the row exists on one side only, and `live` / `rebuilt` then hold the row's compared
 * columns as JSON, or null on the side it is missing. Values are canonical strings: integers in decimal, JSON with
 * sorted keys.
 */
export type StateDifference = { table: string; key: string; column: string | null; live: string | null; rebuilt: string | null }

type Row = Record<string, unknown>
type TableRule = { table: string; key: string[]; columns: string[]; load: (db: DbOrTx) => Promise<Row[]> }


/**
 * What is compared, table by table. Left out on purpose:
 * - wall-clock columns (`updated_at`, `created_at`, `observed_at`, `next_attempt_at`, the claim lease): when the
 *   node ran, not what it decided; `withdrawals.escrow_closed_at` is compared as whether the escrow is closed;
 * - serial ids: liquidations are keyed by (account, lock epoch), the aggregator's transitions by (command, to,
 *   occurrence);
 * - the relayer's columns of a command (`attempts`, `last_error`, `publish_tx`, `sequence`, `vaa`, `deliver_tx`) and its
 *   transitions: inputs the rebuild replays, not derived; a command's `state` and `outcome` are compared, since the
 *   replay sets them from those transitions and from the vault's `CommandExecuted` events as the node did;
 * - inputs and facts copied as they are: `chain_events`, `position_reports`, `escape_checkpoints`, `escape_leaves`,
 *   `command_signatures`, `chain_checkpoints` (the watcher's), `reorg_removals`.
 */
export const COMPARED_TABLES: readonly TableRule[] = [
  {
    table: 'accounts',
    key: ['address'],
    columns: ['lockState', 'lockEpoch', 'lockChains', 'lockedChains', 'settledPnl', 'positionSequence'],
    load: (db) => db.select().from(accounts),
  },
  { table: 'collateral_balances', key: ['account', 'chainId', 'asset'], columns: ['amount'], load: (db) => db.select().from(collateralBalances) },
  {
    table: 'withdrawals',
    key: ['chainId', 'requestId'],
    columns: ['account', 'asset', 'amount', 'recipient', 'state', 'reason', 'limit', 'commandId', 'requestedTx', 'escrowClosed'],
    load: async (db) => (await db.select().from(withdrawals)).map((w) => ({ ...w, escrowClosed: w.escrowClosedAt !== null })),
  },
  { table: 'positions', key: ['account', 'market'], columns: ['size', 'entryPrice'], load: (db) => db.select().from(positions) },
  { table: 'prices', key: ['chainId', 'feed'], columns: ['symbol', 'answer', 'roundId', 'updatedAt', 'blockNumber'], load: (db) => db.select().from(prices) },
  {
    table: 'commands',
    key: ['id'],
    columns: ['kind', 'account', 'destChainId', 'vault', 'payload', 'expiry', 'cause', 'state', 'outcome'],
    load: (db) => db.select().from(commands),
  },
  {
    table: 'command_transitions',
    // not the state it moved from: that is where the relayer had taken the command when the aggregator moved it (to
    // executed or cancelled), a matter of timing, not of the decision
    key: ['commandId', 'toState', 'occurrence'],
    columns: ['detail'],
    load: async (db) => {
      const rows = await db.select().from(commandTransitions).where(aggregatorTransition).orderBy(commandTransitions.id)
      const seen = new Map<string, number>()
      return rows.map((t) => {
        const k = `${t.commandId}|${t.toState}`
        const occurrence = (seen.get(k) ?? 0) + 1
        seen.set(k, occurrence)
        return { ...t, occurrence }
      })
    },
  },
  {
    table: 'liquidations',
    key: ['account', 'lockEpoch'],
    columns: ['state', 'debt', 'penalty', 'seizures', 'seizedValue', 'shortfall', 'insuranceCovered', 'socializedLoss', 'closeFractionBps', 'closedPositions'],
    load: (db) => db.select().from(liquidations),
  },
  { table: 'insurance_fund', key: ['id'], columns: ['balance'], load: (db) => db.select().from(insuranceFund) },
  { table: 'valuation_blocks', key: ['chainId'], columns: ['blockNumber', 'blockHash', 'blockTimestamp'], load: (db) => db.select().from(valuationBlocks) },
  { table: 'limits_sequences', key: ['chainId', 'vault', 'asset'], columns: ['lastSequence'], load: (db) => db.select().from(limitsSequences) },
  {
    table: 'registered_vaults',
    key: ['chainId'],
    columns: ['vault', 'deploymentBlock', 'confirmations', 'transport', 'status', 'assets', 'registeredBlock', 'statusBlock', 'registrar'],
    load: (db) => db.select().from(registeredVaults),
  },
]

/** A value as a canonical string: bigints and numbers in decimal, dates in ISO, JSON with sorted keys; null stays null. */
export function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString()
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Row)[k])]))
  if (typeof value === 'bigint') return value.toString()
  return value
}

/**
 * Compares the derived state of `live` and `rebuilt` by {@link COMPARED_TABLES}: every row by its key, every compared
 * column. Keys compare case-sensitively (both sides store addresses checksummed).
 * @returns the differences (empty when equal), ordered by table, then key, then column; and per table the row counts.
 */
export async function compareDerivedState(
  live: DbOrTx,
  rebuilt: DbOrTx,
): Promise<{ differences: StateDifference[]; tables: Array<{ table: string; live: number; rebuilt: number }> }> {
  const differences: StateDifference[] = []
  const tables = []
  for (const rule of COMPARED_TABLES) {
    const index = (rows: Row[]) => new Map(rows.map((r) => [rule.key.map((k) => `${k}=${canonical(r[k])}`).join(', '), r]))
    const [l, r] = [index(await rule.load(live)), index(await rule.load(rebuilt))]
    tables.push({ table: rule.table, live: l.size, rebuilt: r.size })
    const whole = (row: Row | undefined) => (row ? canonical(Object.fromEntries(rule.columns.map((c) => [c, row[c] ?? null]))) : null)
    for (const key of [...new Set([...l.keys(), ...r.keys()])].sort()) {
      const a = l.get(key)
      const b = r.get(key)
      if (!a || !b) {
        differences.push({ table: rule.table, key, column: null, live: whole(a), rebuilt: whole(b) })
        continue
      }
      for (const column of rule.columns) {
        const [x, y] = [canonical(a[column]), canonical(b[column])]
        if (x !== y) differences.push({ table: rule.table, key, column, live: x, rebuilt: y })
      }
    }
  }
  return { differences, tables }
}
