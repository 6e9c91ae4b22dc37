import type { Page } from './types.js'

/** `limit` and `cursor` of every list. */
export type PageParameters = {
  /** items per page, 1-200 (the hub's default 50) */
  limit?: number
  /** the `nextCursor` of the previous page; absent for the first */
  cursor?: string
}

/**
 * Every item of a list, page after page: fetches the page at `cursor`, yields its items, and follows `nextCursor`
 * until it is null. Stops fetching when the consumer breaks out of the loop.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, cursor?: string): AsyncGenerator<T, void, undefined> {
  let next: string | null | undefined = cursor
  do {
    const page: Page<T> = await fetchPage(next ?? undefined)
    yield* page.items
    next = page.nextCursor
  } while (next !== null)
}
