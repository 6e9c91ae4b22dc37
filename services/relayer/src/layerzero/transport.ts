import { getChain, getLayerZero } from '@unimargin/chains'
import { MarginHub, MarginVault } from '@unimargin/contracts'
import { type CommandKindName, commandOptions, LZ_RECEIVE_GAS, commandOutcomeName as outcomeName } from '@unimargin/protocol'
import { type Hex, parseEventLogs, type TransactionReceipt } from 'viem'
import { assertNotExpiredBeforePublish, type RelayerContext } from '../context.js'
import { NotYetError, PermanentDeliveryError } from '../errors.js'
import { type CommandRow, transition } from '../outbox.js'
import { revertName } from '../revert.js'
import type { Transport } from '../transport.js'
import { verifyAsDvn } from './dvn.js'
import { packetStatus } from './endpoint.js'
import { executeAsExecutor } from './executor.js'
import { verifyEarlierPackets } from './gap.js'
import { earlierLivePackets } from './order.js'
import { type SentPacket, sentPacketOf } from './packet.js'

/** Vault and codec errors a retry cannot change: the packet stays verified but is dead-lettered. */
const PERMANENT = new Set(['CommandExpired', 'WrongDestination', 'UnsupportedVersion', 'UnknownKind', 'WrongPayloadLength', 'PayloadTooShort'])

export type LayerZeroTransportOptions = {
  /** lzReceive gas per command kind in the executor options (default `LZ_RECEIVE_GAS` of @unimargin/protocol) */
  lzReceiveGas?: Partial<Record<CommandKindName, bigint>>
}

/**
 * The LayerZero v2 transport. Publish: `MarginHub.publishLz(dstEid, payload, options)` with executor options
 * carrying the command kind's lzReceive gas and the fee quoted by `MarginHub.quote` right before sending (so every
 * retry re-quotes); recorded as published with the GUID, and the path nonce in `sequence`. Attest: once the hub
 * block is final, act as the destination's required DVN (`ReceiveUln302.verify` + `commitVerification`). Deliver:
 * act as executor (`EndpointV2.lzReceive`), in nonce order per path (a packet waits while a lower nonce to the same
 * chain is still live). Execute: the vault's `CommandExecuted` (or `CommandDuplicateIgnored` when the other
 * transport got there first, then the original execution's outcome). Each step reads the endpoint first, so a
 * step done by a crashed attempt or by someone else is recognised rather than repeated. When the vault reverts, the
 * packet stays verified and `lzReceive` is retried with the relayer's backoff; errors no retry can fix dead-letter.
 */
export function createLayerZeroTransport(ctx: RelayerContext, options: LayerZeroTransportOptions = {}): Transport {
  const { db, config, account, hub, hubChain } = ctx
  const sent = new Map<string, SentPacket>()

  async function sentPacket(command: CommandRow): Promise<SentPacket> {
    const txHash = command.publishTx as Hex
    let s = sent.get(txHash)
    if (!s) {
      s = await sentPacketOf(hub, config.hub.address, txHash)
      sent.set(txHash, s)
    }
    return s
  }

  async function publish(command: CommandRow) {
    await assertNotExpiredBeforePublish(ctx, command)
    if (!(command.kind in LZ_RECEIVE_GAS)) throw new PermanentDeliveryError(`unknown command kind ${command.kind}`)
    const dstEid = getLayerZero(config, command.destChainId).eid
    let txHash: Hex | undefined
    if (command.attempts > 0 || command.publishTx) {
      // An earlier attempt may have sent the packet without recording it: reuse it instead of sending a second one.
      const earlier = await hub.public.getContractEvents({
        address: config.hub.address,
        abi: MarginHub.abi,
        eventName: 'CommandSentLz',
        args: { commandId: command.id as Hex, dstEid },
        fromBlock: hubChain.startBlock,
      })
      txHash = earlier[0]?.transactionHash ?? undefined
    }
    if (!txHash) {
      const lzOptions = commandOptions(command.kind as CommandKindName, options.lzReceiveGas)
      const args = [dstEid, command.payload as Hex, lzOptions] as const
      txHash = await hub.sendLock(async () => {
        const fee = await hub.public.readContract({ address: config.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
        const { request } = await hub.public.simulateContract({ account, address: config.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args, value: fee })
        return hub.wallet.writeContract(request)
      })
    }
    const s = await sentPacketOf(hub, config.hub.address, txHash)
    sent.set(txHash, s)
    await transition(
      db,
      command,
      'published',
      {
        transport: 'layerzero',
        tx: txHash,
        block: s.blockNumber.toString(),
        guid: s.packet.guid,
        nonce: s.packet.nonce.toString(),
        dst_eid: s.packet.dstEid,
        fee: s.nativeFee.toString(),
      },
      { publishTx: txHash, sequence: s.packet.nonce, attempts: 0, lastError: null },
    )
  }

  async function verify(command: CommandRow, s: SentPacket) {
    const head = await hub.public.getBlockNumber({ cacheTime: 0 })
    const finalAt = s.blockNumber + BigInt(hubChain.confirmations)
    if (head < finalAt) throw new NotYetError(`hub block ${s.blockNumber} not final until ${finalAt} (head ${head})`, Math.max(20, hubChain.blockTimeMs / 2))
    const dest = ctx.clientsOf(command.destChainId)
    const confirmations = head - s.blockNumber
    const { verifyTx, commitTx } = await verifyAsDvn(dest, getLayerZero(config, command.destChainId), account, s.packet, confirmations)
    await transition(
      db,
      command,
      'attested',
      { transport: 'layerzero', verify_tx: verifyTx, commit_tx: commitTx, nonce: s.packet.nonce.toString(), guid: s.packet.guid, confirmations: confirmations.toString() },
      { attempts: 0, lastError: null },
    )
  }

  async function deliver(command: CommandRow, s: SentPacket) {
    const destChain = getChain(config, command.destChainId)
    const dest = ctx.clientsOf(destChain.chainId)
    const latest = await dest.public.getBlock({ blockTag: 'latest' })
    if (latest.timestamp > command.expiry) throw new PermanentDeliveryError(`expired at ${command.expiry} (chain time ${latest.timestamp})`)
    const earlier = await earlierLivePackets(db, destChain.chainId, s.packet.nonce)
    if (earlier.length > 0)
      throw new NotYetError(`nonce ${s.packet.nonce} waits for ${earlier.length} earlier packet(s) to chain ${destChain.chainId}`, Math.max(20, destChain.blockTimeMs / 2))
    let txHash: Hex
    try {
      txHash = await executeAsExecutor(dest, getLayerZero(config, destChain.chainId), account, destChain.vault, s.packet)
    } catch (error) {
      const name = revertName(error)
      if (name === 'LZ_InvalidNonce') {
        // an earlier packet on the path is not verified (e.g. its command was dead-lettered before): verify it
        const lz = getLayerZero(config, destChain.chainId)
        const head = await hub.public.getBlockNumber({ cacheTime: 0 })
        const hubEndpoint = getLayerZero(config, hubChain.chainId).endpoint
        const params = { hub, hubEndpoint, fromBlock: hubChain.startBlock, dest, lz, receiver: destChain.vault, account, packet: s.packet }
        const verified = await verifyEarlierPackets({ ...params, confirmations: head - s.blockNumber })
        ctx.log.info({ command_id: command.id, nonce: s.packet.nonce.toString(), verified: verified.map(String) }, 'Verified earlier packets on the path')
        throw new NotYetError(`earlier nonces than ${s.packet.nonce} were not verified`, Math.max(20, destChain.blockTimeMs / 2))
      }
      if (name && PERMANENT.has(name)) throw new PermanentDeliveryError(`vault refused the command: ${name}`)
      throw error
    }
    await transition(db, command, 'delivered', { transport: 'layerzero', tx: txHash, chain_id: destChain.chainId, nonce: s.packet.nonce.toString() }, { deliverTx: txHash })
    await confirmDelivery({ ...command, state: 'delivered', deliverTx: txHash })
  }

  async function confirmDelivery(command: CommandRow) {
    const dest = ctx.clientsOf(command.destChainId)
    const hash = command.deliverTx as Hex
    const receipt = await dest.public.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') {
      await transition(db, command, 'failed', { tx: hash, error: 'delivery reverted' }, { deliverTx: null, lastError: 'delivery reverted' })
      return
    }
    await executed(command, receipt)
  }

  /** Records the execution shown by `receipt` (our lzReceive), or found on the vault when someone else delivered. */
  async function executed(command: CommandRow, receipt?: TransactionReceipt) {
    const destChain = getChain(config, command.destChainId)
    const logs = receipt ? parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs }) : []
    const own = logs.find((l) => l.eventName === 'CommandExecuted' && l.args.commandId === command.id)
    if (own?.eventName === 'CommandExecuted') {
      const outcome = outcomeName(own.args.outcome)
      await transition(db, command, 'executed', { tx: receipt?.transactionHash, block: receipt?.blockNumber.toString(), outcome }, { outcome, lastError: null })
      return
    }
    const duplicate = logs.some((l) => l.eventName === 'CommandDuplicateIgnored')
    const event = await ctx.findExecution(destChain, command.id as Hex)
    if (!event) throw new Error(`Packet of command ${command.id} was consumed but the vault shows no CommandExecuted for it.`)
    const outcome = outcomeName(event.outcome)
    const note = duplicate ? 'duplicate: executed by another delivery' : 'executed by another delivery'
    await transition(db, command, 'executed', { tx: event.transactionHash, outcome, note, packet_tx: receipt?.transactionHash }, {
      deliverTx: command.deliverTx ?? event.transactionHash,
      outcome,
      lastError: null,
    })
  }

  return {
    name: 'layerzero',
    async advance(command) {
      if (!command.publishTx) return publish(command)
      const s = await sentPacket(command)
      if (command.deliverTx) return confirmDelivery(command)
      const destChain = getChain(config, command.destChainId)
      const status = await packetStatus(ctx.clientsOf(destChain.chainId), getLayerZero(config, destChain.chainId), destChain.vault, s.packet)
      if (status === 'executed') return executed(command)
      if (status === 'foreign') throw new PermanentDeliveryError(`nonce ${s.packet.nonce} on chain ${destChain.chainId} holds another payload`)
      if (status === 'unverified') return verify(command, s)
      return deliver(command, s)
    },
  }
}
