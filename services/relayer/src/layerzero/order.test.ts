import { describe, expect, it } from 'vitest'
import { createInFlightDeliveries, orderBehind } from './order.js'

describe('orderBehind', () => {
  const inFlight = (ids: string[]) => (id: string) => ids.includes(id)

  it('sends unguarded when no earlier packet is live', () => {
    expect(orderBehind([], inFlight([]), 7n)).toEqual({ afterNonce: 0n, holdAbove: undefined })
  })

  it('guards a delivery by the highest earlier nonce in flight here instead of waiting for it', () => {
    const blockers = [
      { id: 'a', nonce: 3n },
      { id: 'b', nonce: 5n },
      { id: 'c', nonce: 4n },
    ]
    expect(orderBehind(blockers, inFlight(['a', 'b', 'c']), 6n)).toEqual({ afterNonce: 5n, holdAbove: undefined })
  })

  it('holds the packets above an earlier live packet that is not in flight here (another node, a retry waiting)', () => {
    const blockers = [
      { id: 'a', nonce: 3n },
      { id: 'b', nonce: 5n },
    ]
    expect(orderBehind(blockers, inFlight(['b']), 6n)).toEqual({ afterNonce: 5n, holdAbove: 3n })
    expect(orderBehind(blockers, inFlight([]), 6n)).toEqual({ afterNonce: 0n, holdAbove: 3n })
  })

  it('holds the packets above a nonce in flight that lies inside the delivery, which one guard cannot order', () => {
    expect(orderBehind([{ id: 'a', nonce: 8n }], inFlight(['a']), 6n)).toEqual({ afterNonce: 0n, holdAbove: 8n })
  })
})

describe('createInFlightDeliveries', () => {
  it('knows the commands of each delivery per destination until its removal, which is idempotent', () => {
    const inFlight = createInFlightDeliveries()
    const first = inFlight.add(31338, ['a', 'b'])
    const second = inFlight.add(31338, ['c'])
    inFlight.add(31339, ['d'])
    expect([inFlight.has(31338, 'a'), inFlight.has(31338, 'c'), inFlight.has(31338, 'd'), inFlight.count(31338)]).toEqual([true, true, false, 2])
    first()
    first()
    expect([inFlight.has(31338, 'a'), inFlight.has(31338, 'c'), inFlight.count(31338)]).toEqual([false, true, 1])
    second()
    expect([inFlight.count(31338), inFlight.has(31339, 'd')]).toEqual([0, true])
  })
})
