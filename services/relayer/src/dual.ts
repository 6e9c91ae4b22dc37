import type { Config, TransportName } from '@unimargin/chains'
import { MarginVault } from '@unimargin/contracts'
import { type Hex, keccak256 } from 'viem'
import type { ChainClients } from './context.js'
import { PermanentDeliveryError } from './errors.js'
import { otherTransport } from './fallback.js'
import type { CommandRow, Hop, Move } from './outbox.js'

/** `MarginVault.Transport` by name. */
const VAULT_TRANSPORT: Record<TransportName, number> = { wormhole: 1, layerzero: 2 }

/** Why a command moved to its second transport, in its `pending` transition's detail. */
export const HELD_REASON = 'held by the vault until the other transport delivers the same command'

/**
 * The move of a command whose delivery over `from` the vault held (`CommandAwaitingSecondTransport`: it moves at
 * least the asset's `dualTransportThreshold`, so it executes only once both transports delivered it): `delivered`
 * with `held: true` (not executed), then back to `pending` on the other transport with the same command id and
 * payload, recorded like a fallback (`{ fallback: to, from, reason, held }`) so the command keeps that transport and
 * never falls back again. The row becomes `executed` only when the second delivery's `CommandExecuted` is seen.
 * @param before hops recorded ahead of the delivery (its attestation)
 * @param tx the transaction in which the vault held the delivery; undefined when it was found held afterwards (an
 * earlier attempt's delivery whose receipt was not read)
 * @throws {PermanentDeliveryError} when the route has no other transport configured (the vault can never execute it).
 */
export function heldMove(config: Config, command: CommandRow, from: TransportName, tx: Hex | undefined, before: Hop[] = []): Move {
  const to = otherTransport(config, from, command.destChainId)
  if (!to) throw new PermanentDeliveryError(`the vault holds the command for a second transport, and chain ${command.destChainId} has no other transport configured`)
  const held = { transport: from, tx: tx ?? null, payload_hash: keccak256(command.payload as Hex) }
  return {
    command,
    hops: [
      ...before,
      { to: 'delivered', detail: { transport: from, tx: tx ?? null, chain_id: command.destChainId, held: true } },
      { to: 'pending', detail: { fallback: to, from, reason: HELD_REASON, held } },
    ],
    set: { publishTx: null, sequence: null, vaa: null, deliverTx: null, attempts: 0, lastError: null, nextAttemptAt: new Date() },
  }
}

/** The error of a command the vault froze: its two copies differed, so no copy of its id will ever execute. */
export function frozenError(commandId: string): PermanentDeliveryError {
  return new PermanentDeliveryError(`the vault froze command ${commandId}: its copies over the two transports carried different payloads`)
}

/**
 * Whether the vault on `dest` holds `commandId` after an arrival over `transport` (read from `heldCommand`), for a
 * delivery found consumed whose receipt was not read. Throws {@link frozenError} when the id is frozen.
 */
export async function isHeldAfter(dest: ChainClients, vault: Hex, commandId: Hex, transport: TransportName): Promise<boolean> {
  const held = await dest.public.readContract({ address: vault, abi: MarginVault.abi, functionName: 'heldCommand', args: [commandId] })
  if (held.frozen) throw frozenError(commandId)
  return held.transport === VAULT_TRANSPORT[transport]
}
