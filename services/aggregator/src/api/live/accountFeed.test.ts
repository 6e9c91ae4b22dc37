import { describe, expect, it } from 'vitest'
import { createAccountFeed, type FeedMessage } from './accountFeed.js'
import { createViewCache } from './viewCache.js'

const alice = '0x00000000000000000000000000000000000A11cE'
const bob = '0x0000000000000000000000000000000000000B0b'

/** A feed over views whose `balance` the test sets, counting the views computed per account. */
function setup(coalesceMs = 50) {
  const balances = new Map<string, number>()
  const loads = new Map<string, number>()
  const views = createViewCache({
    load: async (address: string) => {
      loads.set(address, (loads.get(address) ?? 0) + 1)
      return { address, balance: balances.get(address) ?? 0 }
    },
  })
  views.storing = true
  const feed = createAccountFeed({ views, coalesceMs })
  const change = (address: string, balance: number) => {
    balances.set(address, balance)
    views.invalidate(address)
    feed.changed(address)
  }
  const received = () => {
    const messages: FeedMessage<{ balance: number }>[] = []
    let waiter: (() => void) | undefined
    return {
      messages,
      onMessage: (m: FeedMessage<{ balance: number }>) => {
        messages.push(m)
        waiter?.()
      },
      /** resolves once `count` messages arrived */
      until: (count: number) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (messages.length >= count) resolve()
            else waiter = check
          }
          check()
        }),
    }
  }
  const set = (address: string, balance: number) => void balances.set(address, balance)
  return { feed, views, change, set, loads: (address: string) => loads.get(address) ?? 0, received }
}

describe('account feed', () => {
  it('hands a subscriber its snapshot, then one update per change, computing each view once for all subscribers', async () => {
    const { feed, change, loads, received } = setup()
    const first = received()
    const second = received()
    await feed.subscribe(alice, first)
    await feed.subscribe(alice, second)
    expect(loads(alice)).toBe(1)
    change(alice, 5)
    await Promise.all([first.until(2), second.until(2)])
    expect(first.messages.map((m) => [m.kind, JSON.parse(m.served.body).balance])).toEqual([
      ['snapshot', 0],
      ['update', 5],
    ])
    expect(second.messages.map((m) => m.kind)).toEqual(['snapshot', 'update'])
    expect(loads(alice)).toBe(2)
  })

  it('folds changes within the coalescing interval into one refresh that shows the last of them', async () => {
    const { feed, change, loads, received } = setup(200)
    const subscriber = received()
    await feed.subscribe(alice, subscriber)
    change(alice, 1)
    await subscriber.until(2)
    change(alice, 2)
    change(alice, 3)
    change(alice, 4)
    await subscriber.until(3)
    expect(subscriber.messages.map((m) => JSON.parse(m.served.body).balance)).toEqual([0, 1, 4])
    // the snapshot, the first change, then one refresh for the three that followed
    expect(loads(alice)).toBe(3)
  })

  it('sends no update when the view did not change, and none to another account’s subscribers', async () => {
    const { feed, views, change, loads, received } = setup(0)
    const onAlice = received()
    const onBob = received()
    await feed.subscribe(alice, onAlice)
    await feed.subscribe(bob, onBob)
    views.invalidate(alice)
    feed.changed(alice)
    await expect.poll(() => loads(alice)).toBe(2)
    change(bob, 7)
    await onBob.until(2)
    expect(onAlice.messages).toHaveLength(1)
    expect(onBob.messages.map((m) => JSON.parse(m.served.body).balance)).toEqual([0, 7])
  })

  it('refreshes every subscribed account when all may have changed (a price)', async () => {
    const { feed, views, set, received } = setup(0)
    const onAlice = received()
    const onBob = received()
    await feed.subscribe(alice, onAlice)
    await feed.subscribe(bob, onBob)
    set(alice, 1)
    set(bob, 2)
    views.clear()
    feed.changedAll()
    await Promise.all([onAlice.until(2), onBob.until(2)])
    expect(onAlice.messages.map((m) => JSON.parse(m.served.body).balance)).toEqual([0, 1])
    expect(onBob.messages.map((m) => JSON.parse(m.served.body).balance)).toEqual([0, 2])
  })

  it('stops refreshing an account once its last subscriber left', async () => {
    const { feed, change, loads, received } = setup(0)
    const onAlice = received()
    const unsubscribe = await feed.subscribe(alice, onAlice)
    unsubscribe()
    expect(feed.size).toBe(0)
    change(alice, 3)
    feed.changedAll()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(onAlice.messages).toHaveLength(1)
    expect(loads(alice)).toBe(1)
  })

  it('ends every subscription when closed', async () => {
    const { feed, received } = setup()
    let closed = 0
    await feed.subscribe(alice, { ...received(), onClose: () => closed++ })
    await feed.subscribe(bob, { ...received(), onClose: () => closed++ })
    feed.close()
    expect(closed).toBe(2)
    await expect(feed.subscribe(alice, received())).rejects.toThrow(/closed/)
  })

  it('is idle once every scheduled refresh has run, and at once when none is scheduled', async () => {
    const { feed, change, loads, received } = setup(50)
    await feed.idle()
    const subscriber = received()
    await feed.subscribe(alice, subscriber)
    await feed.subscribe(bob, received())
    change(alice, 1)
    change(bob, 2)
    await feed.idle()
    expect([loads(alice), loads(bob)]).toEqual([2, 2])
    expect(subscriber.messages.map((m) => JSON.parse(m.served.body).balance)).toEqual([0, 1])
  })
})
