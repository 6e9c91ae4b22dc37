import { getChain, getLayerZero } from '@unimargin/chains'
import { commandOutcomeName as outcomeName } from '@unimargin/protocol'
import type { Hex } from 'viem'
import { type StepResult, stepResults, type Verdict } from '../batch.js'
import type { RelayerContext } from '../context.js'
import { NotYetError, PermanentDeliveryError } from '../errors.js'
import { type CommandRow, type Move, transitionMany } from '../outbox.js'
import { receiveAlerts, receiveFailure } from './alert.js'
import { packetStatus } from './endpoint.js'
import type { SentPacket } from './packet.js'

/**
 * Delivery on a chain whose LayerZero `delivery` is `watch`: the DVNs and executor configured in the receive path
 * deliver, and the relayer only reports what they did. For each command of `list` (one destination chain, published
 * and final on the hub) it reads the packet's state on the destination endpoint: once committed by the DVNs it is
 * recorded `attested`; once executed (the endpoint cleared its payload hash) it is recorded `delivered` and
 * `executed` with the transaction and outcome of the vault's `CommandExecuted`. Until then it is looked at again
 * every half block (no attempt is counted, so a route whose DVNs or executor stall falls back like any stalled
 * route). A verified packet whose lzReceive the executor reported failed (`LzReceiveAlert`) says why in its wait;
 * when the vault refused the command itself (expired, wrong destination, malformed) it is dead-lettered with that
 * reason, as no retry can run it. Sends nothing on the destination chain.
 * @param sentPacket the packet a command's publish transaction sent
 * @returns one tagged result per command: `done` once executed, `notYet` while it waits, `failed` (not retryable)
 *   when another payload holds its nonce or the vault refused the command.
 */
export async function watchDeliveries(ctx: RelayerContext, list: CommandRow[], sentPacket: (c: CommandRow) => Promise<SentPacket>): Promise<StepResult[]> {
  const destChain = getChain(ctx.config, list[0]!.destChainId)
  const dest = ctx.clientsOf(destChain.chainId)
  const lz = getLayerZero(ctx.config, destChain.chainId)
  const again = Math.max(20, destChain.blockTimeMs / 2)
  const moves: Move[] = []
  // the executor's failed lzReceive calls, read once per step and only when some packet waits for execution
  let alerts: Promise<Map<string, Hex>> | undefined
  const alertFor = async (guid: Hex) => {
    alerts ??= receiveAlerts(dest, lz, destChain.vault, destChain.startBlock)
    return (await alerts).get(guid.toLowerCase())
  }
  const verdicts = await Promise.all(
    list.map(async (c): Promise<Verdict> => {
      try {
        const s = await sentPacket(c)
        const nonce = s.packet.nonce.toString()
        const attested = { to: 'attested' as const, detail: { transport: 'layerzero', verified_by: 'configured DVNs', nonce, guid: s.packet.guid } }
        const status = await packetStatus(dest, lz, destChain.vault, s.packet)
        if (status === 'foreign') return new PermanentDeliveryError(`nonce ${nonce} on chain ${destChain.chainId} holds another payload`)
        if (status === 'unverified') return new NotYetError(`packet ${nonce} not yet verified by the configured DVNs`, again)
        if (status === 'verified') {
          if (c.state !== 'attested') moves.push({ command: c, hops: [attested], set: { lastError: null } })
          const reason = await alertFor(s.packet.guid)
          if (reason === undefined) return new NotYetError(`packet ${nonce} verified, waiting for the executor`, again)
          // the executor tried and the vault refused: a refusal of the command itself is final, the rest may pass later
          const failure = receiveFailure(reason)
          if (failure instanceof PermanentDeliveryError) return failure
          return new NotYetError(`packet ${nonce} verified; the executor's lzReceive failed (${failure.message}), waiting for it to retry`, again)
        }
        const event = await ctx.findExecution(destChain, c.id as Hex)
        if (!event) return new NotYetError(`packet ${nonce} executed but its CommandExecuted is not visible yet`, again)
        const outcome = outcomeName(event.outcome)
        moves.push({
          command: c,
          hops: [
            ...(c.state === 'attested' ? [] : [attested]),
            { to: 'delivered', detail: { transport: 'layerzero', tx: event.transactionHash, chain_id: destChain.chainId, nonce, by: 'configured executor' } },
            { to: 'executed', detail: { transport: 'layerzero', tx: event.transactionHash, block: event.blockNumber.toString(), outcome } },
          ],
          set: { deliverTx: event.transactionHash, outcome, attempts: 0, lastError: null },
        })
        return undefined
      } catch (error) {
        return error
      }
    }),
  )
  await transitionMany(ctx.db, moves)
  return stepResults(list, verdicts)
}
