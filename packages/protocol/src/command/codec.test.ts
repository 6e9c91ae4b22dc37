import { readFileSync } from 'node:fs'
import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { CommandDecodeError, decodeCommand, encodeCommand } from './codec.js'
import type { Command } from './layout.js'

type Vectors = {
  valid: Array<{ command: Record<string, unknown>; payload: Hex }>
  invalid: Array<{ why: string; payload: Hex }>
}
const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/commands.json', import.meta.url), 'utf8'),
) as Vectors

/** Fields wider than 6 bytes: the layout types them as bigint, the vector file as decimal strings. */
const BIGINT_FIELDS = new Set(['destChainId', 'expiry', 'requestId', 'amount', 'outflowLimit', 'limitsSequence', 'epoch', 'asOfBlock'])
const toCommand = (json: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(json).map(([key, value]) => [key, BIGINT_FIELDS.has(key) ? BigInt(value as string) : value]),
  ) as Command

describe('command codec against vectors/commands.json', () => {
  it('encodes a SetLimits paused flag as the byte 1 and an unpaused one as 0, followed by the u64 limitsSequence, in a 155-byte payload', () => {
    const command = { ...toCommand(vectors.valid.find((v) => v.command.kind === 'SetLimits')!.command), paused: false, limitsSequence: 7n } as Command
    const payload = encodeCommand(command)
    expect((payload.length - 2) / 2).toBe(155)
    expect(payload.slice(-18)).toBe('000000000000000007') // paused 0x00, then limitsSequence 7 as u64
    expect(decodeCommand(payload)).toEqual(command)
  })

  it('encodes a Checkpoint as epoch u64, root bytes32 and asOfBlock u64 after the header, in a 138-byte payload', () => {
    const command = toCommand(vectors.valid.find((v) => v.command.kind === 'Checkpoint')!.command)
    const payload = encodeCommand(command)
    expect((payload.length - 2) / 2).toBe(138)
    expect(payload.slice(-96)).toBe(`${'0102030405060708'}${(command as { root: string }).root.slice(2)}${'000000000012d687'}`)
    expect(decodeCommand(payload)).toEqual(command)
  })

  it('covers every command kind', () => {
    expect(vectors.valid.map((v) => v.command.kind).sort()).toEqual(
      ['ApproveWithdrawal', 'Checkpoint', 'Lock', 'RejectWithdrawal', 'Seize', 'SetLimits', 'Unlock'].sort(),
    )
  })

  it.each(vectors.valid.map((v) => [v.command.kind, v] as const))(
    'encodes the %s vector to its payload and decodes the payload back to the command',
    (_, vector) => {
      const command = toCommand(vector.command)
      expect(encodeCommand(command)).toBe(vector.payload)
      expect(decodeCommand(vector.payload)).toEqual(command)
      expect(decodeCommand(Buffer.from(vector.payload.slice(2), 'hex'))).toEqual(command)
    },
  )

  it.each(vectors.invalid.map((v) => [v.why, v] as const))(
    'rejects the invalid payload "%s" with CommandDecodeError',
    (_, vector) => {
      const error = (() => {
        try {
          decodeCommand(vector.payload)
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(CommandDecodeError)
      expect((error as CommandDecodeError).payload).toBe(vector.payload)
    },
  )
})
