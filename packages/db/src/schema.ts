/**
 * The hub's persisted state. Units: token amounts in token base units (numeric(78,0) as bigint), USD values with
 * 8 decimals (`usd8`), prices with 8 decimals (Chainlink convention), block timestamps in unix seconds.
 * Addresses are stored checksummed (viem `getAddress`); hashes, payloads, signatures and command ids lower-case 0x-hex
 * (typed `Hex`, written through `normalizeHex`).
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { Hex } from 'viem'

const u256 = (name: string) => numeric(name, { precision: 78, scale: 0, mode: 'bigint' })
const i256 = u256
/** A 0x-hex column (hash, payload, signature, command id), stored lower-case (see `normalizeHex`). */
const hex = (name: string) => text(name).$type<Hex>()
const now = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' }).notNull().defaultNow()

/**
 * Per chain: the last block whose logs the watcher has fully written (confirmed, beyond finality depth), the chain
 * head the watcher last saw advance, and whether the watcher halted, so `/ready` can tell from any process.
 */
export const chainCheckpoints = pgTable('chain_checkpoints', {
  chainId: bigint('chain_id', { mode: 'number' }).primaryKey(),
  blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
  blockHash: hex('block_hash').notNull(),
  updatedAt: now('updated_at'),
  /** the newest chain head the watcher has seen; null before it recorded one */
  headBlock: bigint('head_block', { mode: 'bigint' }),
  /** when the watcher first saw `headBlock` (the watcher's clock): how long the chain has not advanced */
  headSeenAt: timestamp('head_seen_at', { withTimezone: true, mode: 'date' }),
  /** why ingestion of this chain halted (a reorg below the checkpoint, at `blockNumber`); null while it runs */
  haltedReason: text('halted_reason'),
  haltedAt: timestamp('halted_at', { withTimezone: true, mode: 'date' }),
})

/**
 * Every observed vault/feed log, written once (key: chain id, block hash, log index). `args` holds the decoded
 * event arguments with bigints as decimal strings. `processedAt` is set by the aggregator in the same transaction
 * as the state changes and decisions the event caused.
 */
export const chainEvents = pgTable(
  'chain_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
    blockHash: hex('block_hash').notNull(),
    blockTimestamp: bigint('block_timestamp', { mode: 'bigint' }).notNull(),
    txHash: hex('tx_hash').notNull(),
    logIndex: integer('log_index').notNull(),
    address: text('address').notNull(),
    eventName: text('event_name').notNull(),
    args: jsonb('args').$type<Record<string, string | number | boolean>>().notNull(),
    observedAt: now('observed_at'),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    /**
     * the highest `command_transitions.id` the aggregator could see when it began processing the event: which of the
     * relayer's transitions it decided after (`unimargin rebuild` replays them before it); null before migration 0006
     */
    transitionsSeen: bigint('transitions_seen', { mode: 'bigint' }),
  },
  (t) => [
    uniqueIndex('chain_events_key').on(t.chainId, t.blockHash, t.logIndex),
    index('chain_events_unprocessed').on(t.processedAt, t.chainId, t.blockNumber, t.logIndex),
  ],
)

/** Hub-side account record: lock state machine, the settled (realised) P&L in usd8, the venue's report sequence. */
export const accounts = pgTable('accounts', {
  address: text('address').primaryKey(),
  /** unlocked → locking → locked → unlocking → unlocked */
  lockState: text('lock_state').$type<LockState>().notNull().default('unlocked'),
  lockEpoch: integer('lock_epoch').notNull().default(0),
  /** chain ids the current lock was sent to, and those whose vault confirmed it */
  lockChains: jsonb('lock_chains').$type<number[]>().notNull().default(sql`'[]'::jsonb`),
  lockedChains: jsonb('locked_chains').$type<number[]>().notNull().default(sql`'[]'::jsonb`),
  /** realised P&L not yet settled against collateral, usd8, signed (negative = owed by the account) */
  settledPnl: i256('settled_pnl').notNull().default(sql`0`),
  /** last accepted venue position-report sequence number */
  positionSequence: bigint('position_sequence', { mode: 'bigint' }).notNull().default(sql`0`),
  updatedAt: now('updated_at'),
})
export type LockState = 'unlocked' | 'locking' | 'locked' | 'unlocking'

/** Free (unescrowed) vault balance per (account, chain, asset), token base units, as the vault's events imply. */
export const collateralBalances = pgTable(
  'collateral_balances',
  {
    account: text('account').notNull(),
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    asset: text('asset').notNull(),
    amount: u256('amount').notNull(),
    updatedAt: now('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.account, t.chainId, t.asset] })],
)

/** Withdrawal state machine: requested → reserved → approved → executed | rejected(reason) | expired | voided. */
export const withdrawals = pgTable(
  'withdrawals',
  {
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    requestId: bigint('request_id', { mode: 'bigint' }).notNull(),
    account: text('account').notNull(),
    asset: text('asset').notNull(),
    amount: u256('amount').notNull(),
    recipient: text('recipient').notNull(),
    state: text('state').$type<WithdrawalState>().notNull(),
    reason: text('reason'),
    /** the most the account could have withdrawn of this asset on this chain at decision time, token base units */
    limit: u256('limit'),
    commandId: hex('command_id'),
    requestedTx: hex('requested_tx').notNull(),
    /**
     * when the aggregator processed the vault's `WithdrawalExecuted` or `WithdrawalRejected`: the escrow has left
     * the vault or returned to the free balance. Null while the vault still holds it.
     */
    escrowClosedAt: timestamp('escrow_closed_at', { withTimezone: true, mode: 'date' }),
    createdAt: now('created_at'),
    updatedAt: now('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.requestId] }), index('withdrawals_account').on(t.account)],
)
export type WithdrawalState = 'requested' | 'reserved' | 'approved' | 'executed' | 'rejected' | 'expired' | 'voided'

/** Perpetual positions reported by the venue: signed size in base units with 18 decimals, entry price usd 8 dec. */
export const positions = pgTable(
  'positions',
  {
    account: text('account').notNull(),
    market: text('market').notNull(),
    size: i256('size').notNull(),
    entryPrice: u256('entry_price').notNull(),
    updatedAt: now('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.account, t.market] })],
)

/** Latest oracle answer per (chain, feed), usd 8 dec; `updatedAt` is the feed's own timestamp (unix s). */
export const prices = pgTable(
  'prices',
  {
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    feed: text('feed').notNull(),
    symbol: text('symbol').notNull(),
    answer: i256('answer').notNull(),
    roundId: u256('round_id').notNull(),
    updatedAt: bigint('updated_at', { mode: 'bigint' }).notNull(),
    blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.feed] })],
)

/**
 * The outbox: commands the aggregator decided, written in the same transaction as their cause, carried by the
 * relayer. State machine: pending → published → attested → delivered → executed | failed → dead.
 */
export const commands = pgTable(
  'commands',
  {
    id: hex('id').primaryKey(),
    kind: text('kind').notNull(),
    account: text('account').notNull(),
    destChainId: bigint('dest_chain_id', { mode: 'number' }).notNull(),
    vault: text('vault').notNull(),
    payload: hex('payload').notNull(),
    expiry: bigint('expiry', { mode: 'bigint' }).notNull(),
    state: text('state').$type<CommandState>().notNull().default('pending'),
    /** why the command exists, e.g. `withdrawal:31338:4`, `liquidation:0xabc…:2` */
    cause: text('cause').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastError: text('last_error'),
    publishTx: hex('publish_tx'),
    sequence: bigint('sequence', { mode: 'bigint' }),
    vaa: hex('vaa'),
    deliverTx: hex('deliver_tx'),
    /** the vault's verdict from `CommandExecuted`: applied, or ignored with a code (voided approval, stale epoch) */
    outcome: text('outcome'),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true, mode: 'date' }),
    createdAt: now('created_at'),
    updatedAt: now('updated_at'),
  },
  (t) => [index('commands_due').on(t.state, t.nextAttemptAt), index('commands_account').on(t.account)],
)
export type CommandState = 'pending' | 'published' | 'attested' | 'delivered' | 'executed' | 'failed' | 'dead' | 'cancelled'

/**
 * Per vault (chain id and address) and asset: the highest `limitsSequence` issued in a SetLimits command. A vault
 * ignores a SetLimits whose sequence is not greater than that of the limits in force, so each new SetLimits takes
 * the next number in the transaction that writes it (an upsert that holds the row lock until commit): the numbers
 * strictly increase across restarts and across aggregator processes sharing the database, in commit order.
 */
export const limitsSequences = pgTable(
  'limits_sequences',
  {
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    vault: text('vault').notNull(),
    asset: text('asset').notNull(),
    lastSequence: bigint('last_sequence', { mode: 'bigint' }).notNull(),
    updatedAt: now('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.vault, t.asset] })],
)

/** Every command state transition, with what happened (tx hashes, errors) and when. */
export const commandTransitions = pgTable(
  'command_transitions',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    commandId: hex('command_id').notNull(),
    fromState: text('from_state').$type<CommandState>(),
    toState: text('to_state').$type<CommandState>().notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: now('at'),
  },
  (t) => [index('command_transitions_command').on(t.commandId, t.id)],
)

/**
 * Co-signatures the relayer gathered for a command: one row per co-signer, written only through the relayer's outbox
 * module. The relayer publishes a command once it holds the hub's threshold of them.
 */
export const commandSignatures = pgTable(
  'command_signatures',
  {
    commandId: hex('command_id').notNull(),
    /** the co-signer's address, checksummed */
    signer: text('signer').notNull(),
    /** 65-byte EIP-712 signature of the command (MarginHub.commandDigest), 0x-hex */
    signature: hex('signature').notNull(),
    at: now('at'),
  },
  (t) => [primaryKey({ columns: [t.commandId, t.signer] })],
)

/**
 * A co-signer's answers: the signature it gave a command, or why it refused. Kept by each co-signer in its own
 * database; a command id is signed at most once (`signature` set) and refusals are kept, latest last.
 */
export const coSignDecisions = pgTable(
  'cosign_decisions',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    commandId: hex('command_id').notNull(),
    kind: text('kind').notNull(),
    account: text('account').notNull(),
    /** the encoded command payload, 0x-hex */
    payload: hex('payload').notNull(),
    /** the signature given, or null for a refusal */
    signature: hex('signature'),
    /** why it refused (null when signed) */
    reason: text('reason'),
    /** evidence and figures the decision relied on (usd8 values as decimal strings) */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: now('at'),
  },
  (t) => [index('cosign_decisions_command').on(t.commandId, t.id)],
)

/**
 * One liquidation of an account at a lock epoch: debt closed (usd8), penalty, what was seized where, and how any
 * shortfall was covered (insurance fund first, then socialised loss).
 */
export const liquidations = pgTable('liquidations', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  account: text('account').notNull(),
  lockEpoch: integer('lock_epoch').notNull(),
  state: text('state').$type<'seizing' | 'settled'>().notNull(),
  /** realised loss of the closed positions plus penalty, usd8 */
  debt: i256('debt').notNull(),
  penalty: i256('penalty').notNull(),
  /** [{ chainId, asset, amount (base units), valueUsd8, commandId }] */
  seizures: jsonb('seizures').$type<Seizure[]>().notNull(),
  seizedValue: i256('seized_value').notNull(),
  shortfall: i256('shortfall').notNull().default(sql`0`),
  insuranceCovered: i256('insurance_covered').notNull().default(sql`0`),
  socializedLoss: i256('socialized_loss').notNull().default(sql`0`),
  /** share of every position closed, bps (10 000 = full close; less when liquidating to a target health) */
  closeFractionBps: integer('close_fraction_bps').notNull().default(10_000),
  closedPositions: jsonb('closed_positions').$type<Record<string, string>[]>().notNull(),
  createdAt: now('created_at'),
  updatedAt: now('updated_at'),
})
export type Seizure = {
  chainId: number
  asset: string
  amount: string
  valueUsd8: string
  /** the Seize command in the outbox */
  commandId: Hex
  /** base units the vault actually moved (`Seized`), set once the seizure is done; "0" when the command was ignored */
  seizedAmount?: string
}

/** Insurance fund balance in usd8 (a single row, id = 1), debited for shortfalls. */
export const insuranceFund = pgTable('insurance_fund', {
  id: integer('id').primaryKey(),
  balance: i256('balance').notNull(),
  updatedAt: now('updated_at'),
})

/**
 * Per chain: the newest block whose events the aggregator has processed, and its timestamp. Account views are
 * valued as of these blocks, and price ages are measured against their timestamps.
 */
export const valuationBlocks = pgTable('valuation_blocks', {
  chainId: bigint('chain_id', { mode: 'number' }).primaryKey(),
  blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
  blockHash: hex('block_hash').notNull(),
  blockTimestamp: bigint('block_timestamp', { mode: 'bigint' }).notNull(),
  updatedAt: now('updated_at'),
})

/**
 * Escape hatch: one Checkpoint per vault and epoch, as the hub published it. `root` is the vault's
 * StandardMerkleTree root of exit entitlements; `asOfBlock` the block of that chain up to which the hub's view went
 * into the tree; `commandId` the Checkpoint command in the outbox.
 */
export const escapeCheckpoints = pgTable(
  'escape_checkpoints',
  {
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    vault: text('vault').notNull(),
    epoch: bigint('epoch', { mode: 'bigint' }).notNull(),
    root: hex('root').notNull(),
    asOfBlock: bigint('as_of_block', { mode: 'bigint' }).notNull(),
    commandId: hex('command_id').notNull(),
    createdAt: now('created_at'),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.vault, t.epoch] })],
)

/**
 * Every leaf of a checkpoint's tree with its proof: the arguments of `MarginVault.claimEscape(asset, entitlement,
 * creditedAt, debitedAt, proof)` for `account` (token base units; `proof` a JSON array of 0x-hex bytes32).
 */
export const escapeLeaves = pgTable(
  'escape_leaves',
  {
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    vault: text('vault').notNull(),
    epoch: bigint('epoch', { mode: 'bigint' }).notNull(),
    account: text('account').notNull(),
    asset: text('asset').notNull(),
    entitlement: u256('entitlement').notNull(),
    creditedAt: u256('credited_at').notNull(),
    debitedAt: u256('debited_at').notNull(),
    proof: jsonb('proof').$type<Hex[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.vault, t.epoch, t.account, t.asset] }), index('escape_leaves_account').on(t.account, t.chainId, t.epoch)],
)

/**
 * Leases of work that one node at a time may do among the nodes sharing the database (`lease.ts`): a chain's
 * watcher (`watcher:<chainId>`), a relayer key's sends (`relayer:<address>`). The holder renews `expires_at`
 * (the database's clock) by heartbeat; another node takes the lease only once it has expired.
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  /** node id of the holder */
  holder: text('holder').notNull(),
  /** the database time after which another node may take the lease */
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** when `holder` took it (kept across its renewals) */
  acquiredAt: now('acquired_at'),
  renewedAt: now('renewed_at'),
})

/**
 * Every venue position report the hub accepted, as applied: an input of the derived state kept so that
 * `unimargin rebuild` can replay it. `referenceTs` is the unix second it was valued at (the API's clock) and
 * `appliedAt` when it was applied (its place among the chain events, which are ordered by `processed_at`). Reports
 * refused by the hub changed nothing and are not recorded. `signature` is the venue's EIP-712 signature (null when
 * applied by a caller that had none, e.g. a test).
 */
export const positionReports = pgTable(
  'position_reports',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    account: text('account').notNull(),
    market: text('market').notNull(),
    /** signed, 18 decimals */
    size: i256('size').notNull(),
    /** usd, 8 decimals */
    entryPrice: u256('entry_price').notNull(),
    sequence: bigint('sequence', { mode: 'bigint' }).notNull(),
    signature: text('signature'),
    referenceTs: bigint('reference_ts', { mode: 'bigint' }).notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** the highest `command_transitions.id` visible when it was applied (see `chain_events.transitions_seen`) */
    transitionsSeen: bigint('transitions_seen', { mode: 'bigint' }),
  },
  (t) => [index('position_reports_applied').on(t.appliedAt, t.id)],
)

/**
 * What `unimargin chains resume` removed after a reorg beyond finality, one row per removed row: chain events of
 * orphaned blocks, the relayer's records of executions in them, and commands that were never sent and are no longer
 * decided. `row` is the removed row as JSON (bigints as decimal strings); `forkBlock` the last block of the chain
 * still canonical, from which ingestion resumed.
 */
export const reorgRemovals = pgTable(
  'reorg_removals',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    chainId: bigint('chain_id', { mode: 'number' }).notNull(),
    forkBlock: bigint('fork_block', { mode: 'bigint' }).notNull(),
    /** `chain_events`, `command_transitions`, `commands` or `command_signatures` */
    tableName: text('table_name').notNull(),
    row: jsonb('row').$type<Record<string, unknown>>().notNull(),
    reason: text('reason').notNull(),
    removedAt: now('removed_at'),
  },
  (t) => [index('reorg_removals_chain').on(t.chainId, t.id)],
)

/**
 * The vaults registered in the hub chain's VaultRegistry, one per EVM chain, as the aggregator applied the
 * registry's confirmed events (`VaultRegistered`, `VaultStatusChanged`) in each event's transaction. `assets` holds
 * the registry's `Asset` structs (token, feed, symbol, decimals, feedDecimals and haircuts in bps). The node's
 * registry supervisor starts a watcher for each row while it runs; the relayer claims no command to a `retired` one.
 */
export const registeredVaults = pgTable('registered_vaults', {
  chainId: bigint('chain_id', { mode: 'number' }).primaryKey(),
  vault: text('vault').notNull(),
  /** the vault's deployment block, where its watcher starts */
  deploymentBlock: bigint('deployment_block', { mode: 'bigint' }).notNull(),
  confirmations: integer('confirmations').notNull(),
  /** `wormhole` or `layerzero` */
  transport: text('transport').notNull(),
  /** `active` → `depositsClosed` → `withdrawalsOnly` → `retired` */
  status: text('status').notNull(),
  assets: jsonb('assets').$type<Record<string, string | number>[]>().notNull(),
  /** the hub chain block of the registration and of the last status change */
  registeredBlock: bigint('registered_block', { mode: 'bigint' }).notNull(),
  statusBlock: bigint('status_block', { mode: 'bigint' }).notNull(),
  registrar: text('registrar').notNull(),
  updatedAt: now('updated_at'),
})
