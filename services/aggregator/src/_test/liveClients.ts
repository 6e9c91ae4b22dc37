import WebSocket from 'ws'

export type SseEvent = { event: string; id: string; data: string }

/**
 * Opens `url` as an event stream: `next()` resolves with the next event (comments skipped), rejecting after
 * `timeoutMs`; `close()` aborts the request.
 */
export async function openEventStream(url: string, timeoutMs = 10_000) {
  const abort = new AbortController()
  const response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } })
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  const events: SseEvent[] = []
  const fill = async () => {
    while (events.length === 0) {
      const { value, done } = await reader.read()
      if (done) throw new Error('The event stream ended.')
      buffer += value
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        const fields = new Map<string, string>()
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const colon = line.indexOf(':')
          fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''))
        }
        if (fields.has('data')) events.push({ event: fields.get('event') ?? 'message', id: fields.get('id') ?? '', data: fields.get('data')! })
      }
    }
  }
  return {
    response,
    async next(): Promise<SseEvent> {
      await withTimeout(fill(), timeoutMs, 'an event')
      return events.shift()!
    },
    close: () => abort.abort(),
  }
}

/**
 * Opens a WebSocket: `next()` resolves with the next JSON message, rejecting after `timeoutMs`; `send` sends JSON (or
 * text as is); `closed` resolves with the close code.
 */
export async function openWebSocket(url: string, timeoutMs = 10_000) {
  const socket = new WebSocket(url)
  const messages: unknown[] = []
  const waiters: Array<() => void> = []
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()))
    waiters.shift()?.()
  })
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  await withTimeout(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), timeoutMs, 'the socket to open')
  return {
    socket,
    closed,
    send: (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next<T = Record<string, unknown>>(): Promise<T> {
      if (messages.length === 0) await withTimeout(new Promise<void>((resolve) => waiters.push(resolve)), timeoutMs, 'a message')
      return messages.shift() as T
    },
    /** messages received and not yet read */
    get unread() {
      return messages.length
    },
    close: () => socket.close(),
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms)
    }),
  ])
}
