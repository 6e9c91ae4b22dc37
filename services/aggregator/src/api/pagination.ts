import { z } from '@hono/zod-openapi'
import { ApiError } from './errors.js'

/** The largest page a list answers; `limit` defaults to {@link DEFAULT_PAGE_SIZE}. */
export const MAX_PAGE_SIZE = 200
export const DEFAULT_PAGE_SIZE = 50

/** `limit` and `cursor` query parameters of every list. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `items per page, 1-${MAX_PAGE_SIZE}`, example: DEFAULT_PAGE_SIZE }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'the `nextCursor` of the previous page; absent for the first' }),
})

/** A page of `item`: `nextCursor` is null on the last page. */
export function pageOf<S extends z.ZodType>(item: S) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

/** An opaque cursor: the sort key of the last item of a page, as base64url JSON of strings. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * The sort key a cursor carries.
 * @param checks one pattern per string of the list's key (e.g. `/^\d+$/`), so the key can go into a query as it is
 * @throws {ApiError} 400 `invalid_request` naming `cursor` when it is not one this list issued.
 */
export function decodeCursor(cursor: string, checks: readonly RegExp[]): string[] {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = undefined
  }
  if (!Array.isArray(key) || key.length !== checks.length || !key.every((k, i) => typeof k === 'string' && checks[i]!.test(k))) {
    const message = 'is not a cursor this list issued (pass the previous page’s nextCursor as it is)'
    throw new ApiError(400, 'invalid_request', `Invalid query: cursor: ${message}`, [{ path: 'cursor', message }])
  }
  return key as string[]
}

/**
 * The page out of `rows` read with `limit + 1`: the first `limit` and, when there was one more, the cursor of the
 * last one kept.
 */
export function pageFrom<R, I>(rows: readonly R[], limit: number, keyOf: (row: R) => readonly string[], itemOf: (row: R) => I) {
  const kept = rows.slice(0, limit)
  const last = kept[kept.length - 1]
  return { items: kept.map(itemOf), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
