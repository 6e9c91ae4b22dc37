import { useEffect, useRef, useState } from 'react'

/** What a polled or streamed read holds: the latest answer, the latest error (cleared by the next answer). */
export type Live<T> = { data: T | undefined; error: Error | undefined }

/** How often pages re-read the API, ms. */
export const POLL_MS = 2000

/**
 * Calls `load` now and every `intervalMs` after the previous call settled, until the component unmounts or `key`
 * (what `load` reads, e.g. its URL) changes; keeps the last answer while a later call fails.
 */
export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = POLL_MS): Live<T> {
  const [state, setState] = useState<Live<T>>({ data: undefined, error: undefined })
  const latest = useRef(load)
  latest.current = load
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` says when `load` reads something else
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const data = await latest.current()
        if (!stopped) setState({ data, error: undefined })
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error: error as Error }))
      }
      if (!stopped) timer = setTimeout(tick, intervalMs)
    }
    setState({ data: undefined, error: undefined })
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [key, intervalMs])
  return state
}
