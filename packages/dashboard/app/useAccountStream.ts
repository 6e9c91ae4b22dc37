import { useEffect, useState } from 'react'
import { type AccountView, getJson } from './api.js'
import { type Live, POLL_MS } from './usePolling.js'

/** How the account page receives its view: the server's event stream, or polling when the node has no stream. */
export type AccountFeed = 'connecting' | 'stream' | 'polling'

/**
 * The account view of `address`, live: subscribes to `GET /v1/accounts/{address}/stream` (Server-Sent Events: a
 * `snapshot`, then `update` events, each carrying the JSON of `GET /v1/accounts/{address}`). When the stream cannot
 * be opened (the node answers 404, or anything but an event stream, so the browser closes it), it falls back to
 * polling `GET /v1/accounts/{address}` every {@link POLL_MS} ms.
 */
export function useAccountStream(address: string): Live<AccountView> & { feed: AccountFeed } {
  const [state, setState] = useState<Live<AccountView> & { feed: AccountFeed }>({ data: undefined, error: undefined, feed: 'connecting' })
  useEffect(() => {
    const path = `/v1/accounts/${encodeURIComponent(address)}`
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    setState({ data: undefined, error: undefined, feed: 'connecting' })

    const poll = async () => {
      try {
        const data = await getJson<AccountView>(path)
        if (!stopped) setState({ data, error: undefined, feed: 'polling' })
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error: error as Error, feed: 'polling' }))
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS)
    }

    const source = new EventSource(`${path}/stream`)
    const onView = (event: MessageEvent<string>) => {
      if (!stopped) setState({ data: JSON.parse(event.data) as AccountView, error: undefined, feed: 'stream' })
    }
    source.addEventListener('snapshot', onView)
    source.addEventListener('update', onView)
    // a network error leaves it CONNECTING (the browser retries); a 404 or a non-stream answer closes it for good
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !stopped) void poll()
    }
    return () => {
      stopped = true
      source.close()
      clearTimeout(timer)
    }
  }, [address])
  return state
}
