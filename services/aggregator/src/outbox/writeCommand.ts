import { getChain } from '@unimargin/chains'
import { writeCommand as writeToOutbox } from '@unimargin/db'
import { encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, stringToHex } from 'viem'
import type { Context } from '../common/context.js'
import { loadValuationTimestamp } from './expiry.js'

/** The body of a command, by kind (the header fields are filled in by {@link writeCommand}). */
export type CommandBody =
  | { kind: 'ApproveWithdrawal'; requestId: bigint; lockEpoch: number }
  | { kind: 'RejectWithdrawal'; requestId: bigint; reason: number }
  | { kind: 'Lock'; lockEpoch: number }
  | { kind: 'Unlock'; lockEpoch: number }
  | { kind: 'Seize'; lockEpoch: number; asset: Address; amount: bigint; receiver: Address }
  | { kind: 'SetLimits'; asset: Address; outflowLimit: bigint; periodSeconds: number; paused: boolean; limitsSequence: bigint }
  | { kind: 'Checkpoint'; epoch: bigint; root: Hex; asOfBlock: bigint }

export type WriteCommandParameters = {
  body: CommandBody
  account: Address
  destChainId: number
  /** why the command exists, e.g. `withdrawal:31338:4`; part of the id */
  cause: string
}

/**
 * The deterministic command id: keccak256 of cause, kind, destination chain and the kind's distinguishing fields
 * (not a SetLimits' `limitsSequence`, which is issued once per decision). Deciding the same thing twice yields the
 * same id, so the outbox can never hold a second copy.
 */
export function commandIdOf(parameters: WriteCommandParameters): Hex {
  const { body, destChainId, cause, account } = parameters
  const extra = body.kind === 'Seize' || body.kind === 'SetLimits' ? `${body.asset.toLowerCase()}` : body.kind === 'Checkpoint' ? `${body.epoch}:${body.root}` : ''
  return keccak256(stringToHex([cause, body.kind, destChainId, account.toLowerCase(), extra].join('|')))
}

/**
 * Inserts a command into the outbox (state `pending`, with a `null → pending` transition) in the caller's
 * transaction, through the outbox module of @unimargin/db. Expiry is the destination chain's newest processed block timestamp (or `ctx.referenceTs`) plus
 * `commandTtlSeconds`. Idempotent: a command with the same id is left as it is.
 * @returns the command id and whether it was newly written.
 * @throws Error when the destination chain is not configured.
 */
export async function writeCommand(ctx: Context, parameters: WriteCommandParameters): Promise<{ id: Hex; created: boolean }> {
  const { body, account, destChainId, cause } = parameters
  const chain = getChain(ctx.config, destChainId)
  const id = commandIdOf(parameters)
  const base = (await loadValuationTimestamp(ctx.tx, destChainId)) ?? ctx.referenceTs
  const expiry = (base > ctx.referenceTs ? base : ctx.referenceTs) + BigInt(ctx.config.commandTtlSeconds)
  const payload = encodeCommand({ ...body, commandId: id, destChainId: BigInt(destChainId), vault: chain.vault, expiry, account })
  const { created } = await writeToOutbox(ctx.tx, { id, kind: body.kind, account, destChainId, vault: chain.vault, payload, expiry, cause }, { at: ctx.now() })
  if (created) ctx.logger.info({ command_id: id, kind: body.kind, account, chain_id: destChainId, cause }, 'Queued command')
  return { id, created }
}
