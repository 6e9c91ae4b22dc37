/**
 * A cached async value: `get()` returns the last loaded value while it is younger than `maxAgeMs`, starting one
 * background reload once it is older than `freshMs`; when there is none (or it is too old) it waits for a load. A
 * failed load is forgotten, so the next `get()` tries again.
 */
export function staleWhileRevalidate<T>(load: () => Promise<T>, freshMs: number, maxAgeMs: number): () => Promise<T> {
  let value: { v: T; at: number } | undefined
  let loading: Promise<T> | undefined
  const reload = () => {
    loading ??= load().then(
      (v) => {
        value = { v, at: performance.now() }
        loading = undefined
        return v
      },
      (error: unknown) => {
        loading = undefined
        throw error
      },
    )
    return loading
  }
  return async () => {
    const age = value ? performance.now() - value.at : Number.POSITIVE_INFINITY
    if (value && age <= maxAgeMs) {
      if (age > freshMs) reload().catch(() => {})
      return value.v
    }
    return reload()
  }
}
