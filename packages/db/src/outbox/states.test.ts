import { describe, expect, it } from 'vitest'
import type { CommandState } from '../schema.js'
import { COMMAND_STATES, COMMAND_TRANSITIONS, isAllowedTransition, isCommandState } from './states.js'

const pairs = COMMAND_STATES.flatMap((from) => COMMAND_STATES.map((to) => [from, to] as [CommandState, CommandState]))
const allowed = pairs.filter(([from, to]) => (COMMAND_TRANSITIONS[from] as readonly string[]).includes(to))
const refused = pairs.filter(([from, to]) => !(COMMAND_TRANSITIONS[from] as readonly string[]).includes(to))

describe('the outbox transition table', () => {
  it('names every state once, in the order a command moves through them', () => {
    expect(COMMAND_STATES).toEqual(['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'])
    expect(COMMAND_STATES.every(isCommandState)).toBe(true)
    expect(isCommandState('deadd')).toBe(false)
    expect(isCommandState('toString')).toBe(false)
  })

  it('lets a new command start only as pending', () => {
    expect(COMMAND_STATES.filter((to) => isAllowedTransition(null, to))).toEqual(['pending'])
  })

  it('never moves an executed command, and moves a dead one only to failed (retry), dead (operator action), executed or cancelled', () => {
    expect(COMMAND_STATES.filter((to) => isAllowedTransition('executed', to))).toEqual([])
    expect(COMMAND_STATES.filter((to) => isAllowedTransition('dead', to))).toEqual(['executed', 'failed', 'dead', 'cancelled'])
  })

  it('lets the aggregator cancel any command not yet executed, and moves a cancelled one only to executed (delivered after all)', () => {
    expect(COMMAND_STATES.filter((from) => isAllowedTransition(from, 'cancelled'))).toEqual(['pending', 'published', 'attested', 'delivered', 'failed', 'dead'])
    expect(COMMAND_STATES.filter((to) => isAllowedTransition('cancelled', to))).toEqual(['executed'])
  })

  it('never moves a command backwards along pending → published → attested → delivered except back to pending', () => {
    const order = ['pending', 'published', 'attested', 'delivered'] as const
    for (const [i, from] of order.entries())
      for (const [j, to] of order.entries()) expect(isAllowedTransition(from, to)).toBe(j >= i || to === 'pending')
  })

  it('agrees with the table on all pairs', () => {
    expect(allowed.length + refused.length).toBe(64)
    for (const [from, to] of allowed) expect(isAllowedTransition(from, to)).toBe(true)
    for (const [from, to] of refused) expect(isAllowedTransition(from, to)).toBe(false)
  })
})
