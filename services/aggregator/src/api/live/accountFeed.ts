import type { ServedView, ViewCache } from './viewCache.js'

/** What a subscriber receives: first its `snapshot`, then an `update` each time the view's body changed. */
export type FeedMessage<V> = { kind: 'snapshot' | 'update'; served: ServedView<V> }

export type Subscriber<V> = {
  /** called with the snapshot, then with each update, in order */
  onMessage: (message: FeedMessage<V>) => void
  /** called once when the feed closes the subscription (the feed was closed) */
  onClose?: () => void
}

export type AccountFeedParameters<V> = {
  views: ViewCache<V>
  /** least ms between two refreshes of one account: changes within it are folded into one refresh (default 250) */
  coalesceMs?: number
  /** called when a refresh failed (the next change tries again) */
  onError?: (error: unknown, address: string) => void
}

export type AccountFeed<V> = {
  /**
   * Subscribes to an account (`address` checksummed): resolves once the snapshot has been handed to `onMessage`.
   * @returns `unsubscribe`
   * @throws the view loader's error (nothing stays subscribed then)
   */
  subscribe: (address: string, subscriber: Subscriber<V>) => Promise<() => void>
  /** The account may have changed: refresh it for its subscribers, if any. */
  changed: (address: string) => void
  /** Every account may have changed (a price): refresh each subscribed account. */
  changedAll: () => void
  /** accounts with at least one subscriber */
  readonly size: number
  /** Resolves once no refresh is scheduled or running (at once if none is). */
  idle: () => Promise<void>
  /** Ends every subscription (`onClose`) and stops refreshing. */
  close: () => void
}

type Member<V> = Subscriber<V> & { lastEtag: string | undefined; pending: ServedView<V> | undefined; ready: boolean }
type Topic<V> = { members: Set<Member<V>>; timer: NodeJS.Timeout | undefined; running: boolean; again: boolean; lastRunMs: number }

/**
 * Fans account views out to their subscribers. A change schedules one refresh per account, shared by all its
 * subscribers, at most once per `coalesceMs`; changes arriving meanwhile are folded into the next refresh. A
 * subscriber is sent an update only when the view's body differs from the last one it was sent.
 */
export function createAccountFeed<V>(parameters: AccountFeedParameters<V>): AccountFeed<V> {
  const { views, coalesceMs = 250, onError } = parameters
  const topics = new Map<string, Topic<V>>()
  let closed = false
  // refreshes scheduled or running, and who waits for there to be none
  let busy = 0
  const idleWaiters: Array<() => void> = []
  const settle = () => {
    if (--busy > 0) return
    for (const resolve of idleWaiters.splice(0)) resolve()
  }

  const deliver = (member: Member<V>, served: ServedView<V>) => {
    if (!member.ready) {
      member.pending = served
      return
    }
    if (served.etag === member.lastEtag) return
    member.lastEtag = served.etag
    member.onMessage({ kind: 'update', served })
  }

  const run = async (address: string, topic: Topic<V>) => {
    topic.timer = undefined
    topic.running = true
    busy++
    settle() // the timer's count passes to the run
    topic.lastRunMs = Date.now()
    try {
      const served = await views.get(address)
      for (const member of topic.members) deliver(member, served)
    } catch (error) {
      onError?.(error, address)
    } finally {
      topic.running = false
      if (topic.again) {
        topic.again = false
        schedule(address, topic)
      }
      settle()
    }
  }

  const schedule = (address: string, topic: Topic<V>) => {
    if (closed || topic.members.size === 0 || topic.timer) return
    if (topic.running) {
      topic.again = true
      return
    }
    const delayMs = Math.max(0, topic.lastRunMs + coalesceMs - Date.now())
    busy++
    topic.timer = setTimeout(() => void run(address, topic), delayMs)
  }

  const drop = (address: string, topic: Topic<V>, member: Member<V>) => {
    topic.members.delete(member)
    if (topic.members.size > 0 || topics.get(address) !== topic) return
    if (topic.timer) {
      clearTimeout(topic.timer)
      topic.timer = undefined
      settle()
    }
    topics.delete(address)
  }

  return {
    async subscribe(address, subscriber) {
      if (closed) throw new Error('The account feed is closed.')
      let topic = topics.get(address)
      if (!topic) {
        topic = { members: new Set(), timer: undefined, running: false, again: false, lastRunMs: 0 }
        topics.set(address, topic)
      }
      const member: Member<V> = { ...subscriber, lastEtag: undefined, pending: undefined, ready: false }
      // joined before the snapshot is read: a change committed meanwhile reaches it as an update
      topic.members.add(member)
      const joined = topic
      try {
        const snapshot = await views.get(address)
        member.lastEtag = snapshot.etag
        member.onMessage({ kind: 'snapshot', served: snapshot })
      } catch (error) {
        drop(address, joined, member)
        throw error
      }
      member.ready = true
      const pending = member.pending
      member.pending = undefined
      if (pending) deliver(member, pending)
      return () => drop(address, joined, member)
    },
    changed(address) {
      const topic = topics.get(address)
      if (topic) schedule(address, topic)
    },
    changedAll() {
      for (const [address, topic] of topics) schedule(address, topic)
    },
    get size() {
      return topics.size
    },
    idle: () => (busy === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close() {
      closed = true
      for (const topic of topics.values()) {
        if (topic.timer) settle()
        clearTimeout(topic.timer)
        for (const member of topic.members) member.onClose?.()
      }
      topics.clear()
    },
  }
}
