import { type Address, getAddress, isAddress } from 'viem'
import { z } from 'zod'
import { InvalidEventError } from '../common/errors.js'

const uint = z
  .union([z.string().regex(/^\d+$/, 'must be an unsigned integer in decimal'), z.number().int().nonnegative()])
  .transform((v) => BigInt(v))
const int = z.union([z.string().regex(/^-?\d+$/, 'must be an integer in decimal'), z.number().int()]).transform((v) => BigInt(v))
const small = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => Number(v))
const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'must be an address')
  .transform((v) => getAddress(v) as Address)
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of 0x-hex')
  .transform((v) => v.toLowerCase())

/** Argument shapes of the events the aggregator applies, as the watcher stores them (bigints as decimal strings). */
export const eventArgs = {
  Deposited: z.object({ account: address, asset: address, amount: uint, depositor: address.optional() }),
  WithdrawalRequested: z.object({ requestId: uint, account: address, asset: address, amount: uint, recipient: address }),
  WithdrawalExecuted: z.object({ requestId: uint, account: address.optional(), asset: address.optional(), amount: uint.optional() }),
  WithdrawalRejected: z.object({ requestId: uint, account: address, asset: address, amount: uint, reason: small.optional() }),
  WithdrawalCancelled: z.object({ requestId: uint, account: address, asset: address, amount: uint }),
  LimitsSet: z.object({ asset: address, outflowLimit: uint, periodSeconds: small, paused: flag, limitsSequence: uint.optional() }),
  AccountLocked: z.object({ account: address, epoch: small }),
  AccountUnlocked: z.object({ account: address, epoch: small }),
  Seized: z.object({ account: address, asset: address, amount: uint, receiver: address, epoch: small }),
  CommandExecuted: z.object({ commandId: bytes32, kind: small.optional(), account: address.optional(), outcome: small, vmHash: bytes32.optional() }),
  AnswerUpdated: z.object({ current: int, roundId: uint, updatedAt: uint }),
} as const

export type EventName = keyof typeof eventArgs
export type EventArgs<N extends EventName> = z.output<(typeof eventArgs)[N]>

/**
 * Parses the stored arguments of a known event.
 * @throws {InvalidEventError} naming every malformed field.
 */
export function parseEventArgs<N extends EventName>(name: N, args: unknown): EventArgs<N> {
  const result = eventArgs[name].safeParse(args)
  if (!result.success)
    throw new InvalidEventError(`${name} arguments are malformed: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      args,
    })
  return result.data as EventArgs<N>
}

export const isKnownEvent = (name: string): name is EventName => name in eventArgs
