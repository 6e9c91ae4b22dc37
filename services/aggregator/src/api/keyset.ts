import { type eq, sql } from '@unimargin/db'

type SQL = ReturnType<typeof sql>
type Column = Parameters<typeof eq>[0]

/**
 * A timestamp column as integer microseconds since the epoch: the exact value PostgreSQL holds (a JS `Date` keeps
 * milliseconds only), so a cursor on it neither skips nor repeats rows written in the same millisecond.
 */
export function micros(column: Column): SQL {
  return sql`(extract(epoch from ${column}) * 1000000)::bigint::text`
}

/**
 * `(a, b, …) < (x, y, …)` over the sort key of a newest-first list, for the rows after a cursor. Each value is bound as
 * a parameter; `casts` name its SQL type (`bigint`, `text`).
 */
export function before(columns: readonly SQL[], values: readonly string[], casts: readonly string[]): SQL {
  const left = sql.join([...columns], sql`, `)
  const right = sql.join(
    values.map((v, i) => sql`cast(${v} as ${sql.raw(casts[i]!)})`),
    sql`, `,
  )
  return sql`(${left}) < (${right})`
}
