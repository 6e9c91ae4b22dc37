import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { commandOutcomeName, commandOutcomes } from './outcome.js'

/** The members of `enum Outcome` in MarginVault.sol, in order (comments stripped). */
function solidityOutcomes(): string[] {
  const source = readFileSync(new URL('../../../../contracts/src/MarginVault.sol', import.meta.url), 'utf8')
  const body = /enum Outcome \{([^}]*)\}/.exec(source)?.[1]
  if (!body) throw new Error('enum Outcome not found in MarginVault.sol')
  return body
    .replace(/\/\/.*$/gm, '')
    .split(',')
    .map((member) => member.trim())
    .filter(Boolean)
}
const snake = (name: string) => name.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? '' : '_'}${c.toLowerCase()}`)

describe('command outcome names', () => {
  it('name the members of MarginVault.Outcome in the same order', () => {
    expect(solidityOutcomes().map(snake)).toEqual([...commandOutcomes])
  })

  it('name code 6 superseded, code 7 vault_paused and a code this version does not know unknown_<code>', () => {
    expect(commandOutcomeName(6)).toBe('superseded')
    expect(commandOutcomeName(7)).toBe('vault_paused')
    expect(commandOutcomeName(8)).toBe('unknown_8')
  })
})
