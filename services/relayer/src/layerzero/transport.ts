import { getChain, getLayerZero } from '@unimargin/chains'
import { LzWorker, MarginHub } from '@unimargin/contracts'
import { type CommandKindName, commandOptions, LZ_RECEIVE_GAS, commandOutcomeName as outcomeName, workerDelivery } from '@unimargin/protocol'
import { type Abi, type Hex, parseEventLogs, type TransactionReceipt } from 'viem'
import { chunkByGas, forAll, isolateRevert, passing, revertDataName, type StepResult, stepResult, stepResults, type Verdict } from '../batch.js'
import { assertNotExpiredBeforePublish, COSIGNED_MESSAGE_GAS, earlierPublishes, type RelayerContext, requireSignatures, signaturesFor, untilFinal } from '../context.js'
import { NotYetError, PermanentDeliveryError, StepFailedError } from '../errors.js'
import { type CommandRow, countAttempts, type Move, transitionMany } from '../outbox.js'
import type { Transport } from '../transport.js'
import { DELIVERY_ERRORS, receiveErrorName, receiveFailure } from './alert.js'
import { DELIVERY_PACKET_GAS, deliveryGas, EXECUTION_HELD, GAS_HELD, largestNeeds, WORKER_BASE_GAS } from './dvn.js'
import { packetStatus } from './endpoint.js'
import { verifyEarlierPackets } from './gap.js'
import { createInFlightDeliveries, earlierLivePackets, orderBehind } from './order.js'
import { type SentPacket, sentPacketsOf } from './packet.js'
import { watchDeliveries } from './watch.js'
import { COMMAND_EXECUTED, LZ_RECEIVE_ALERT, VAULT_DELIVERY, VERIFICATION_FAILED } from '../events.js'
import { frozenError, heldMove, isHeldAfter } from '../dual.js'

const sum = (xs: readonly bigint[]) => xs.reduce((total, x) => total + x, 0n)

/** Packets per `MarginHub.publishLzBatch` transaction. */
export const LZ_PUBLISH_BATCH = 64
/**
 * Gas limit of a `publishLzBatch`: base + per destination path in the batch + per packet. Measured on the devnet
 * (node estimates): 167k for one packet, 724k for 10, 2.59M for 40, so ≈ 62k per packet (endpoint send, ULN302,
 * worker fees; the fees are quoted off-chain, see `MarginHub.publishLzBatch`) and ≈ 105k around them. The limit
 * adds about 13% per packet, and per path room for its first packet ever (a fresh nonce slot, ≈ 20k); little more:
 * block builders fit transactions by their gas limits, and the relayer keeps at most one block of gas in flight per
 * chain. Not estimated per batch, which would cost a round trip on every publish.
 */
export const LZ_PUBLISH_BASE_GAS = 150_000n
export const LZ_PUBLISH_PATH_GAS = 25_000n
export const LZ_PUBLISH_PACKET_GAS = 70_000n + COSIGNED_MESSAGE_GAS

/** The gas limit of a `publishLzBatch` of packets to `dstEids` (one per packet), see {@link LZ_PUBLISH_BASE_GAS}. */
export function publishGas(dstEids: readonly number[]): bigint {
  return LZ_PUBLISH_BASE_GAS + LZ_PUBLISH_PATH_GAS * BigInt(new Set(dstEids).size) + LZ_PUBLISH_PACKET_GAS * BigInt(dstEids.length)
}
/**
 * Packets per `LzWorker.deliver` transaction. Several such transactions per destination may be in flight at once: the
 * worker stops executing at a path's first failure within its own transaction, and each later one is guarded by the
 * last nonce of the one before it (`afterNonce`), so the chain keeps nonce order across them.
 */
export const LZ_DELIVER_BATCH = 128
/** A packet of a delivery step: its command's index in the step's list and the packet the hub sent for it. */
type Ready = { i: number; s: SentPacket }

export type LayerZeroTransportOptions = {
  /** lzReceive gas per command kind in the executor options (default `LZ_RECEIVE_GAS` of @unimargin/protocol) */
  lzReceiveGas?: Partial<Record<CommandKindName, bigint>>
  /** gas a packet typically takes inside `LzWorker.deliver`, per command kind (default {@link DELIVERY_PACKET_GAS}) */
  deliveryPacketGas?: Partial<Record<CommandKindName, bigint>>
}

/**
 * The LayerZero v2 transport, in batches. Publish: the tick's pending commands go out in `MarginHub.publishLzBatch`
 * transactions of up to {@link LZ_PUBLISH_BATCH}, each packet with executor options carrying its command kind's
 * lzReceive gas and its fee quoted by `MarginHub.quoteBatch` right before sending (so every retry re-quotes);
 * recorded as published with the GUID, and the path nonce in `sequence`. Deliver: once the hub block is final, the
 * step's packets to one destination go out in `LzWorker.deliver` transactions of up to {@link LZ_DELIVER_BATCH} that
 * fit the chain's gas cap, all sent at once; each verifies its packets as the path's required DVN, commits them and
 * executes them with `EndpointV2.lzReceive`, in nonce order; after a packet's lzReceive fails the later ones are only
 * verified. A packet waits while a lower nonce to the same chain is still live, unless that one is in a delivery this
 * relayer has in flight: then it is sent without waiting, guarded by the highest such nonce (`afterNonce`, likewise
 * each transaction of a step by the last nonce of the one before), and the worker holds it (verified, not executed;
 * retried soon) unless that nonce executed first. Each transaction is recorded from its own receipt: attested,
 * delivered and executed (the vault's `CommandExecuted`, or `CommandDuplicateIgnored` when the other transport got
 * there first, then the original execution's outcome). A retried packet's endpoint status
 * is read first, so a step done by a crashed attempt or by someone else is recognised rather than repeated. When
 * the vault reverts, the packet stays verified and the worker retries lzReceive with the relayer's backoff; errors
 * no retry can fix dead-letter. On a chain whose LayerZero `delivery` is `watch`, the path's configured DVNs and
 * executor deliver instead and the relayer only records what they did (see {@link watchDeliveries}).
 */
export function createLayerZeroTransport(ctx: RelayerContext, options: LayerZeroTransportOptions = {}): Transport {
  const { db, config, hub, hubChain } = ctx
  const sentByTx = new Map<Hex, Promise<Map<string, SentPacket>>>()
  const inFlight = createInFlightDeliveries()

  function sentBy(txHash: Hex): Promise<Map<string, SentPacket>> {
    let s = sentByTx.get(txHash)
    if (!s) {
      s = sentPacketsOf(hub, config.hub.address, txHash)
      sentByTx.set(txHash, s)
      s.catch(() => sentByTx.delete(txHash))
      if (sentByTx.size > 4096) sentByTx.delete(sentByTx.keys().next().value!)
    }
    return s
  }

  async function sentPacket(command: CommandRow): Promise<SentPacket> {
    const s = (await sentBy(command.publishTx as Hex)).get(command.id.toLowerCase())
    if (!s) throw new StepFailedError(`Transaction ${command.publishTx} sent no packet for command ${command.id}.`)
    return s
  }

  const receiveGas = (kind: string) => options.lzReceiveGas?.[kind as CommandKindName] ?? LZ_RECEIVE_GAS[kind as CommandKindName]
  const kindOf = (c: CommandRow) => c.kind as CommandKindName
  const typicalGas = (c: CommandRow) => options.deliveryPacketGas?.[kindOf(c)] ?? DELIVERY_PACKET_GAS[kindOf(c)]
  /** what `c`'s packet asks of a delivery: the gas it typically takes and the lzReceive gas of its executor options */
  const packetGas = (c: CommandRow) => ({ typicalGas: typicalGas(c), lzReceiveGas: receiveGas(c.kind) })

  async function publish(list: CommandRow[]): Promise<StepResult[]> {
    const results: Verdict[] = list.map(() => undefined)
    const signatures = await signaturesFor(ctx, list)
    const live = await passing(list, results, async (c) => {
      await assertNotExpiredBeforePublish(ctx, c)
      requireSignatures(signatures, c)
      if (!(c.kind in LZ_RECEIVE_GAS)) throw new PermanentDeliveryError(`unknown command kind ${c.kind}`)
      getLayerZero(config, c.destChainId)
    })
    // an earlier attempt may have sent the packet without recording it: reuse it instead of sending a second one
    const retried = live.filter((i) => list[i]!.attempts > 0 || list[i]!.publishTx).map((i) => list[i]!)
    const earlier = await earlierPublishes(ctx, 'CommandSentLz', retried, (chainId) => getLayerZero(config, chainId).eid)
    const txOf = new Map<number, Promise<Hex>>()
    const fresh = live.filter((i) => !earlier.has(list[i]!.id.toLowerCase()))
    // counted before sending: if this process dies before recording the packet, the next attempt looks it up
    await countAttempts(db, fresh.map((i) => list[i]!.id))
    const cap = fresh.length > 0 ? await hub.batchGasCap() : 0n
    // every path's allowance counted in the base: a step sends to a handful of chains
    const paths = new Set(fresh.map((i) => list[i]!.destChainId)).size
    for (const indices of chunkByGas(fresh, () => LZ_PUBLISH_PACKET_GAS, LZ_PUBLISH_BASE_GAS + LZ_PUBLISH_PATH_GAS * BigInt(paths), cap, LZ_PUBLISH_BATCH)) {
      const dstEids = indices.map((i) => getLayerZero(config, list[i]!.destChainId).eid)
      const payloads = indices.map((i) => list[i]!.payload as Hex)
      const lzOptions = indices.map((i) => commandOptions(list[i]!.kind as CommandKindName, options.lzReceiveGas))
      const args = [dstEids, payloads, lzOptions] as const
      const coSignatures = indices.map((i) => signatures.get(list[i]!.id)!)
      const hash = (async () => {
        const fees = await hub.public.readContract({ address: config.hub.address, abi: MarginHub.abi, functionName: 'quoteBatch', args })
        const sentTx = await hub.sendContract({
          address: config.hub.address,
          abi: MarginHub.abi,
          functionName: 'publishLzBatch',
          args: [...args, fees, coSignatures],
          value: sum(fees),
          gas: publishGas(dstEids),
        })
        const receipt = await hub.public.waitForTransactionReceipt({ hash: sentTx })
        // the version that was mined: a replacement with higher fees when the first one stalled
        const txHash = receipt.transactionHash
        if (receipt.status !== 'success') {
          const isolated = await isolateRevert(
            indices,
            async (i) => {
              const one = [[dstEids[indices.indexOf(i)]!], [list[i]!.payload as Hex], [lzOptions[indices.indexOf(i)]!]] as const
              const oneFees = await hub.public.readContract({ address: config.hub.address, abi: MarginHub.abi, functionName: 'quoteBatch', args: one })
              return hub.public.simulateContract({
                account: ctx.account,
                address: config.hub.address,
                abi: MarginHub.abi,
                functionName: 'publishLzBatch',
                args: [...one, oneFees, [signatures.get(list[i]!.id)!]],
                value: sum(oneFees),
              })
            },
            new StepFailedError(`publishLzBatch transaction ${txHash} reverted.`),
          )
          for (const [i, error] of isolated) results[i] = error
        }
        return txHash
      })()
      hash.catch(() => {})
      for (const i of indices) txOf.set(i, hash)
    }
    for (const i of live) if (earlier.has(list[i]!.id.toLowerCase())) txOf.set(i, Promise.resolve(earlier.get(list[i]!.id.toLowerCase())!))

    const moves: Move[] = []
    await Promise.all(
      live.map(async (i) => {
        const c = list[i]!
        try {
          const txHash = await txOf.get(i)!
          if (results[i] !== undefined) return
          const s = (await sentBy(txHash)).get(c.id.toLowerCase())
          if (!s) throw new StepFailedError(`Transaction ${txHash} sent no packet for command ${c.id}.`)
          moves.push({
            command: c,
            hops: [
              {
                to: 'published',
                detail: {
                  transport: 'layerzero',
                  tx: txHash,
                  block: s.blockNumber.toString(),
                  guid: s.packet.guid,
                  nonce: s.packet.nonce.toString(),
                  dst_eid: s.packet.dstEid,
                  fee: s.nativeFee.toString(),
                },
              },
            ],
            set: { publishTx: txHash, sequence: s.packet.nonce, attempts: 0, lastError: null },
          })
        } catch (error) {
          results[i] = error
        }
      }),
    )
    await transitionMany(db, moves)
    return stepResults(list, results)
  }

  /**
   * Verifies and executes the packets of `list` (one destination chain) in `LzWorker.deliver` transactions, sent one
   * after the other without waiting; each is settled and recorded from its own receipt, then leaves `inFlight`.
   */
  async function deliver(list: CommandRow[]): Promise<StepResult[]> {
    const destChain = getChain(config, list[0]!.destChainId)
    const dest = ctx.clientsOf(destChain.chainId)
    const lz = getLayerZero(config, destChain.chainId)
    const results: Verdict[] = list.map(() => undefined)
    const moves: Move[] = []
    const [chainTime, head, cap] = await Promise.all([dest.chainTime(), hub.headNumber(), dest.batchGasCap()])
    const waitMs = Math.max(20, destChain.blockTimeMs / 2)
    const ready: Ready[] = []
    await Promise.all(
      list.map(async (c, i) => {
        try {
          // a step that outlived its timeout may still be delivering it
          if (inFlight.has(destChain.chainId, c.id)) throw new NotYetError(`a delivery of nonce ${c.sequence} to chain ${destChain.chainId} is in flight`, waitMs)
          if (chainTime > c.expiry) throw new PermanentDeliveryError(`expired at ${c.expiry} (chain time ${chainTime})`)
          const s = await sentPacket(c)
          const finalAt = s.blockNumber + BigInt(hubChain.confirmations)
          if (head < finalAt) throw new NotYetError(`hub block ${s.blockNumber} not final until ${finalAt} (head ${head})`, untilFinal(hubChain.blockTimeMs, finalAt - head))
          if (c.attempts > 0) {
            // a retry: the packet may have been verified or executed by an attempt that failed afterwards, or by someone else
            const status = await packetStatus(dest, lz, destChain.vault, s.packet)
            if (status === 'executed') {
              moves.push(await executedElsewhere(c))
              return
            }
            if (status === 'foreign') throw new PermanentDeliveryError(`nonce ${s.packet.nonce} on chain ${destChain.chainId} holds another payload`)
          }
          ready.push({ i, s })
        } catch (error) {
          results[i] = error
        }
      }),
    )
    ready.sort((a, b) => (a.s.packet.nonce < b.s.packet.nonce ? -1 : 1))
    if (ready.length === 0) {
      await transitionMany(db, moves)
      return stepResults(list, results)
    }
    // nonce order: a packet waits while a lower nonce on its path is live outside this step, unless that one is in a
    // delivery this relayer has in flight, which the chain then orders before it
    const inStep = new Set(list.map((c) => c.id))
    const blockers = (await earlierLivePackets(db, destChain.chainId, ready.at(-1)!.s.packet.nonce)).filter((b) => !inStep.has(b.id))
    const { afterNonce, holdAbove } = orderBehind(blockers, (id) => inFlight.has(destChain.chainId, id), ready[0]!.s.packet.nonce)
    while (ready.length > 0 && holdAbove !== undefined && ready.at(-1)!.s.packet.nonce > holdAbove) {
      const { i, s } = ready.pop()!
      results[i] = new NotYetError(`nonce ${s.packet.nonce} waits for earlier packets to chain ${destChain.chainId}`, waitMs)
    }
    // every transaction that fits the gas cap goes out now, each guarded by the last nonce of the one before it
    const sends: { chunk: Ready[]; afterNonce: bigint }[] = []
    // chunks by the packets' typical use, each with room for the step's largest single packet (see deliveryGas)
    const base = WORKER_BASE_GAS + largestNeeds(ready.map(({ i }) => packetGas(list[i]!)))
    for (const chunk of chunkByGas(ready, ({ i }) => typicalGas(list[i]!), base, cap, LZ_DELIVER_BATCH)) {
      sends.push({ chunk, afterNonce: sends.length === 0 ? afterNonce : sends.at(-1)!.chunk.at(-1)!.s.packet.nonce })
    }
    const removals = sends.map(({ chunk }) => inFlight.add(destChain.chainId, chunk.map(({ i }) => list[i]!.id)))
    try {
      // each send is queued on the chain's send lock before the next is: account nonces in the order of the chunks
      await Promise.all(
        sends.map(async ({ chunk, afterNonce }, k) => {
          const own: Move[] = []
          try {
            const sent = await sendDelivery(list, chunk, head, afterNonce)
            await settleDelivery(list, chunk, sent, head, own, results)
            await transitionMany(db, own)
          } catch (error) {
            for (const { i } of chunk) results[i] ??= error
          } finally {
            removals[k]!()
          }
        }),
      )
    } finally {
      for (const remove of removals) remove()
    }
    await transitionMany(db, moves)
    return stepResults(list, results)
  }

  /**
   * Sends one `LzWorker.deliver` of `ready` (packets of `list`, one path, in nonce order), guarded by `afterNonce`
   * (0n: none), with the summed gas budgets; does not wait for it.
   * @returns its hash and the confirmations it claimed (hub blocks on top of the newest packet, at `head`).
   * @throws Error (a viem error) when the node refuses the transaction.
   */
  async function sendDelivery(list: CommandRow[], ready: Ready[], head: bigint, afterNonce: bigint): Promise<{ txHash: Hex; confirmations: bigint }> {
    const lz = getLayerZero(config, list[0]!.destChainId)
    const confirmations = head - ready.reduce((m, r) => (r.s.blockNumber > m ? r.s.blockNumber : m), 0n)
    const deliveries = ready.map(({ i, s }) => workerDelivery(s.packet, receiveGas(list[i]!.kind)))
    const gas = deliveryGas(ready.map(({ i }) => packetGas(list[i]!)))
    const txHash = await ctx.clientsOf(list[0]!.destChainId).sendContract({
      address: lz.worker,
      abi: LzWorker.abi as Abi,
      functionName: 'deliver',
      args: [lz.receiveLib, lz.endpoint, confirmations, deliveries, true, afterNonce],
      gas,
    })
    return { txHash, confirmations }
  }

  /**
   * Waits for the receipt of delivery `txHash` (of `ready`, sent by {@link sendDelivery}) and records what became of
   * each packet: a move in `moves` for those that executed (or were executed by someone else), an error in `results`
   * for the others; a packet the worker held (ExecutionHeld, or after an earlier packet of the transaction failed)
   * gets a `NotYetError`, so it is retried soon without counting an attempt.
   * @throws Error if the transaction reverted as a whole.
   */
  async function settleDelivery(list: CommandRow[], ready: Ready[], sent: { txHash: Hex; confirmations: bigint }, head: bigint, moves: Move[], results: Verdict[]) {
    const { confirmations } = sent
    const destChain = getChain(config, list[0]!.destChainId)
    const dest = ctx.clientsOf(destChain.chainId)
    const lz = getLayerZero(config, destChain.chainId)
    const receipt = await dest.public.waitForTransactionReceipt({ hash: sent.txHash })
    // the version that was mined: a replacement with higher fees when the first one stalled
    const txHash = receipt.transactionHash
    if (receipt.status !== 'success') throw new StepFailedError(`LzWorker.deliver ${txHash} reverted.`)
    const vaultLogs = parseEventLogs({ abi: VAULT_DELIVERY, logs: receipt.logs }).filter((l) => l.address.toLowerCase() === destChain.vault.toLowerCase())
    const executedById = new Map<string, number>()
    const duplicates = new Set<string>()
    // held for the other transport (the command needs both), or frozen (its copies differed)
    const heldIds = new Set<string>()
    const frozenIds = new Set<string>()
    for (const l of vaultLogs) {
      if (l.eventName === 'CommandExecuted') executedById.set(l.args.commandId.toLowerCase(), l.args.outcome)
      if (l.eventName === 'CommandDuplicateIgnored') duplicates.add(l.args.commandId.toLowerCase())
      if (l.eventName === 'CommandAwaitingSecondTransport') heldIds.add(l.args.commandId.toLowerCase())
      if (l.eventName === 'CommandPayloadMismatch' || l.eventName === 'FrozenCommandIgnored') frozenIds.add(l.args.commandId.toLowerCase())
    }
    const verifyFailed = new Map(
      parseEventLogs({ abi: VERIFICATION_FAILED, logs: receipt.logs, eventName: 'VerificationFailed' }).map((l) => [l.args.guid.toLowerCase(), l.args.reason]),
    )
    const alerts = new Map(
      parseEventLogs({ abi: LZ_RECEIVE_ALERT, logs: receipt.logs, eventName: 'LzReceiveAlert' }).map((l) => [l.args.guid.toLowerCase(), l.args.reason]),
    )
    // the worker held the whole transaction: the nonce it was guarded by had not executed
    const [held] = parseEventLogs({ abi: EXECUTION_HELD, logs: receipt.logs, eventName: 'ExecutionHeld' })
    // the worker stopped at this packet, short of its gas: it and the later ones were left untouched
    const [short] = parseEventLogs({ abi: GAS_HELD, logs: receipt.logs, eventName: 'GasHeld' })
    let shortFrom = false
    // the packets before it used more than DELIVERY_PACKET_GAS says: worth knowing, as it costs a transaction
    if (short) ctx.log.warn({ chain_id: destChain.chainId, tx: txHash, guid: short.args.guid, gas_left: short.args.gasLeft.toString(), gas_needed: short.args.gasNeeded.toString() }, 'A delivery ran short of gas; the rest of its packets wait for the next one')
    const waitMs = Math.max(20, destChain.blockTimeMs / 2)
    let halted: bigint | undefined
    for (const { i, s } of ready) {
      const c = list[i]!
      const id = c.id.toLowerCase()
      const guid = s.packet.guid.toLowerCase()
      const attested = {
        to: 'attested' as const,
        detail: { transport: 'layerzero', verify_tx: txHash, commit_tx: txHash, nonce: s.packet.nonce.toString(), guid: s.packet.guid, confirmations: confirmations.toString() },
      }
      const outcome = executedById.get(id)
      if (short && guid === short.args.guid.toLowerCase()) shortFrom = true
      if (shortFrom) {
        results[i] = new NotYetError(`delivery ${txHash} ran short of gas at packet ${short!.args.guid} (${short!.args.gasLeft} left, ${short!.args.gasNeeded} needed)`, waitMs)
      } else if (outcome !== undefined) {
        const name = outcomeName(outcome)
        moves.push({
          command: c,
          hops: [
            attested,
            { to: 'delivered', detail: { transport: 'layerzero', tx: txHash, chain_id: destChain.chainId, nonce: s.packet.nonce.toString() } },
            { to: 'executed', detail: { transport: 'layerzero', tx: txHash, block: receipt.blockNumber.toString(), outcome: name } },
          ],
          set: { deliverTx: txHash, outcome: name, attempts: 0, lastError: null },
        })
      } else if (heldIds.has(id)) {
        try {
          moves.push(await heldMove(ctx, c, 'layerzero', txHash, [attested]))
        } catch (error) {
          results[i] = error
        }
      } else if (frozenIds.has(id)) {
        results[i] = frozenError(c.id)
      } else if (duplicates.has(id)) {
        try {
          moves.push(await executedElsewhere(c, txHash, [attested]))
        } catch (error) {
          results[i] = error
        }
      } else if (verifyFailed.has(guid)) {
        const reason = verifyFailed.get(guid)!
        try {
          const status = await packetStatus(dest, lz, destChain.vault, s.packet)
          if (status === 'executed') moves.push(await executedElsewhere(c))
          else if (status === 'foreign') results[i] = new PermanentDeliveryError(`nonce ${s.packet.nonce} on chain ${destChain.chainId} holds another payload`)
          else results[i] = new StepFailedError(`ReceiveUln302 refused to verify the packet: ${revertDataName(LzWorker.abi as Abi, reason) ?? revertDataName(DELIVERY_ERRORS, reason) ?? reason}`)
        } catch (error) {
          results[i] = error
        }
      } else if (alerts.has(guid)) {
        halted ??= s.packet.nonce
        const reason = alerts.get(guid)!
        if (receiveErrorName(reason) === 'LZ_InvalidNonce') {
          try {
            results[i] = await healGap(c, s, head)
          } catch (error) {
            results[i] = error
          }
        } else results[i] = receiveFailure(reason)
      } else if (held && halted === undefined) {
        results[i] = new NotYetError(`nonce ${s.packet.nonce} held: nonce ${held.args.afterNonce} on the path to chain ${destChain.chainId} had not executed`, waitMs)
      } else {
        results[i] = new NotYetError(`nonce ${s.packet.nonce} waits for nonce ${halted ?? '?'} to execute first`, waitMs)
      }
    }
  }

  /** Verifies earlier packets on the path that nobody verified (e.g. dead-lettered before), then lets `c` retry. */
  async function healGap(c: CommandRow, s: SentPacket, head: bigint): Promise<Verdict> {
    const destChain = getChain(config, c.destChainId)
    const verified = await verifyEarlierPackets({
      hub,
      hubEndpoint: getLayerZero(config, hubChain.chainId).endpoint,
      fromBlock: hubChain.startBlock,
      dest: ctx.clientsOf(destChain.chainId),
      lz: getLayerZero(config, destChain.chainId),
      receiver: destChain.vault,
      account: ctx.account,
      packet: s.packet,
      confirmations: head - s.blockNumber,
      // the missing packets are older than this one
      toBlock: s.blockNumber,
    })
    ctx.log.info({ command_id: c.id, nonce: s.packet.nonce.toString(), verified: verified.map(String) }, 'Verified earlier packets on the path')
    return new NotYetError(`earlier nonces than ${s.packet.nonce} were not verified`, Math.max(20, destChain.blockTimeMs / 2))
  }

  /**
   * The move recording that another delivery executed `c` (its packet found consumed, or consumed by us as a
   * duplicate in `packetTx` after `before`), or, when the vault holds it after its LayerZero arrival, the move to the
   * second transport (see {@link heldMove}).
   * @throws Error if the vault shows no `CommandExecuted` for it and does not hold it.
   */
  async function executedElsewhere(c: CommandRow, packetTx?: Hex, before: Move['hops'] = []): Promise<Move> {
    const destChain = getChain(config, c.destChainId)
    const event = await ctx.findExecution(destChain, c.id as Hex)
    if (!event && (await isHeldAfter(ctx.clientsOf(destChain.chainId), destChain.vault, c.id as Hex, 'layerzero'))) return heldMove(ctx, c, 'layerzero', packetTx, before)
    if (!event) throw new StepFailedError(`Packet of command ${c.id} was consumed but the vault shows no CommandExecuted for it.`)
    const outcome = outcomeName(event.outcome)
    const note = packetTx ? 'duplicate: executed by another delivery' : 'executed by another delivery'
    return {
      command: c,
      hops: [...before, { to: 'executed', detail: { transport: 'layerzero', tx: event.transactionHash, outcome, note, packet_tx: packetTx } }],
      set: { deliverTx: c.deliverTx ?? event.transactionHash, outcome, attempts: 0, lastError: null },
    }
  }

  /** A command recorded as delivered before its receipt (an earlier version's state): confirm from the receipt. */
  async function confirm(c: CommandRow): Promise<Verdict> {
    const receipt: TransactionReceipt = await ctx.clientsOf(c.destChainId).public.waitForTransactionReceipt({ hash: c.deliverTx as Hex })
    const own = parseEventLogs({ abi: COMMAND_EXECUTED, logs: receipt.logs, eventName: 'CommandExecuted' }).find((l) => l.args.commandId.toLowerCase() === c.id.toLowerCase())
    if (receipt.status === 'success' && own) {
      const outcome = outcomeName(own.args.outcome)
      await transitionMany(db, [{ command: c, hops: [{ to: 'executed', detail: { transport: 'layerzero', tx: c.deliverTx, block: receipt.blockNumber.toString(), outcome } }], set: { outcome, lastError: null } }])
      return undefined
    }
    if (receipt.status === 'success') {
      await transitionMany(db, [await executedElsewhere(c, c.deliverTx as Hex)])
      return undefined
    }
    await transitionMany(db, [{ command: c, hops: [{ to: 'failed', detail: { tx: c.deliverTx, error: 'delivery reverted' } }], set: { deliverTx: null, lastError: 'delivery reverted' } }])
    return undefined
  }

  return {
    name: 'layerzero',
    batchKey(command) {
      if (!command.publishTx) return 'publish'
      if (command.deliverTx) return `confirm:${command.id}`
      return `deliver:${command.destChainId}`
    },
    async advance(list) {
      const first = list[0]!
      if (!first.publishTx) return forAll(list, () => publish(list))
      if (first.deliverTx) return forAll(list, async () => [stepResult(first, await confirm(first))])
      // the destination's own DVNs and executor deliver: only watch them
      if (getLayerZero(config, first.destChainId).delivery === 'watch') return forAll(list, () => watchDeliveries(ctx, list, sentPacket))
      return forAll(list, () => deliver(list))
    },
  }
}
