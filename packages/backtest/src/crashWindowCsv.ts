import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'

/** Columns of a crash-window file (long format, see shared/data/SOURCES.md). */
const COLUMNS = ['timestamp_utc_open', 'symbol', 'venue', 'interval', 'close', 'volume_base', 'source_set'] as const

/** One bar of a crash window, the columns the replay reads (strings as in the file). */
export type CrashWindowRow = Record<(typeof COLUMNS)[number], string>

/**
 * Reads a crash-window CSV with csv-parse, one record per bar.
 * @throws Error naming the file and the column when a column the replay reads is missing
 */
export function readCrashWindowRows(path: string): CrashWindowRow[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
  const header = rows[0] ?? {}
  for (const name of COLUMNS) if (rows.length > 0 && !(name in header)) throw new Error(`${path}: no column ${name}`)
  return rows as CrashWindowRow[]
}
