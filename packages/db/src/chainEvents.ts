import { sql } from 'drizzle-orm'
import type { DbOrTx } from './client.js'
import { chainEvents } from './schema.js'

/** One log to store in `chain_events`, as the watcher decoded it. */
export type NewChainEvent = Pick<
  typeof chainEvents.$inferInsert,
  'chainId' | 'blockNumber' | 'blockHash' | 'blockTimestamp' | 'txHash' | 'logIndex' | 'address' | 'eventName' | 'args'
>

/** Rows per statement: bounds the JSON document one statement carries (≈ 400 bytes a row). */
export const CHAIN_EVENTS_CHUNK_ROWS = 10_000

/**
 * Inserts `rows` into `chain_events`, skipping those already stored (key: chain id, block hash, log index), in
 * statements of at most {@link CHAIN_EVENTS_CHUNK_ROWS} rows. Each statement passes its rows as one JSON document
 * expanded by `jsonb_to_recordset`: one parameter whatever the row count (a multi-row `VALUES` of 9 parameters a row
 * stops at PostgreSQL's 65 535 parameters, 7 281 rows), parsed by the server instead of bound one value at a time.
 * Call it inside the transaction that also moves the watcher's checkpoint.
 * @returns how many rows were new (duplicates not counted).
 * @throws the driver's error (e.g. a row whose `blockNumber` is not an integer); nothing of the statement is written.
 */
export async function insertChainEvents(db: DbOrTx, rows: readonly NewChainEvent[]): Promise<number> {
  let inserted = 0
  for (let i = 0; i < rows.length; i += CHAIN_EVENTS_CHUNK_ROWS) {
    const chunk = rows.slice(i, i + CHAIN_EVENTS_CHUNK_ROWS).map((r) => ({
      chain_id: r.chainId,
      block_number: r.blockNumber.toString(),
      block_hash: r.blockHash,
      block_timestamp: r.blockTimestamp.toString(),
      tx_hash: r.txHash,
      log_index: r.logIndex,
      address: r.address,
      event_name: r.eventName,
      args: r.args,
    }))
    const result = await db.execute(sql`
      with new_rows as (
        insert into ${chainEvents} (chain_id, block_number, block_hash, block_timestamp, tx_hash, log_index, address, event_name, args)
        select chain_id, block_number, block_hash, block_timestamp, tx_hash, log_index, address, event_name, args
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(
          chain_id bigint, block_number bigint, block_hash text, block_timestamp bigint, tx_hash text,
          log_index integer, address text, event_name text, args jsonb)
        on conflict (chain_id, block_hash, log_index) do nothing
        returning 1
      )
      select count(*)::int as n from new_rows`)
    const [row] = ((result as { rows?: { n: number }[] }).rows ?? (result as unknown as { n: number }[])) as { n: number }[]
    inserted += Number(row?.n ?? 0)
  }
  return inserted
}
