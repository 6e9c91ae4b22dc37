import { getChain } from '@unimargin/chains'
import { MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import { type Attester, commandOutcomeName as outcomeName } from '@unimargin/protocol'
import { type Abi, type Hex, keccak256, pad, parseEventLogs, type TransactionReceipt } from 'viem'
import { chunkByGas, forAll, groupBy, isolateRevert, passing, revertDataName, type StepResult, stepResult, stepResults, type Verdict } from '../batch.js'
import { assertNotExpiredBeforePublish, COSIGNED_MESSAGE_GAS, earlierPublishes, requireSignatures, signaturesFor, type RelayerContext, untilFinal } from '../context.js'
import { staleWhileRevalidate } from '../cache.js'
import { NotYetError, PermanentDeliveryError, refusal, StepFailedError } from '../errors.js'
import { type CommandRow, countAttempts, type Hop, type Move, transitionMany } from '../outbox.js'
import { countWait } from '../timing.js'
import type { Transport } from '../transport.js'
import { frozenError, heldMove } from '../dual.js'
import { COMMAND_AWAITING_SECOND_TRANSPORT, COMMAND_DELIVERY_FAILED, COMMAND_EXECUTED, COMMAND_FROZEN, COMMAND_PUBLISHED, LOG_MESSAGE_PUBLISHED } from '../events.js'

/** Vault errors that mean the command already took effect through another delivery. */
const ALREADY_DONE = new Set(['CommandAlreadyExecuted', 'VaaAlreadyConsumed'])
/** Vault errors a retry cannot change. */
const PERMANENT = new Set(['CommandExpired', 'WrongDestination', 'WrongEmitter', 'UnsupportedVersion', 'UnknownKind'])

/** Commands per `MarginHub.publishBatch` transaction. */
export const WORMHOLE_PUBLISH_BATCH = 256
/**
 * Gas limit of a `publishBatch` of n commands: base + per message · n. Measured on the devnet: 71k for one, 197k for
 * 10, 763k for 50 (≈ 14k per message once warm); the limit leaves room for cold storage and a non-zero message fee.
 * Not estimated per batch, which would cost a round trip on every publish.
 */
export const PUBLISH_BASE_GAS = 100_000n
export const PUBLISH_MESSAGE_GAS = 40_000n + COSIGNED_MESSAGE_GAS
/** VAAs per `MarginVault.executeCommands` transaction. */
export const WORMHOLE_DELIVER_BATCH = 128
/**
 * Gas budget of one VAA in `executeCommands`: {@link VAULT_COMMAND_GAS} plus {@link VAA_SIGNATURE_GAS} per guardian
 * signature it carries. The vault catches each item's revert, so a node's estimate would find the least gas at which
 * items fail quietly; the limit is the sum of the budgets instead (unused gas is not paid). A Lock with one
 * signature uses ≈ 70 000; a payout adds an ERC-20 transfer; the vault's escape counters add up to three fresh
 * storage slots (≈ 22 000 each: a Seize debits the account and credits a receiver seen there for the first time), and
 * the second arrival of a large payout held for its other transport also clears the hold and checks the pause.
 */
export const VAULT_COMMAND_GAS = 220_000n
export const VAA_SIGNATURE_GAS = 9_000n
/** Gas of `executeCommands` itself around its items. */
const EXECUTE_BASE_GAS = 60_000n

/** {@link VAULT_COMMAND_GAS} for `vaa`: its signature count is byte 5 (version u8, guardian set index u32, count u8). */
export function vaaGas(vaa: Hex): bigint {
  const signatures = Number.parseInt(vaa.slice(12, 14), 16)
  return VAULT_COMMAND_GAS + VAA_SIGNATURE_GAS * BigInt(Number.isNaN(signatures) ? 19 : signatures)
}

/** A published message as the attester needs it, read once per publish transaction. */
type Published = { blockNumber: bigint; timestamp: number; messages: Map<bigint, { nonce: number; consistencyLevel: number; payload: Hex }> }

/**
 * The Wormhole transport, in batches. Publish: every pending command of a tick goes out in `MarginHub.publishBatch`
 * transactions of up to {@link WORMHOLE_PUBLISH_BATCH} (one message and one VAA each, consecutive sequences).
 * Attest and deliver, one step: once the hub block is final (the hub chain's `confirmations`), the `attester` signs
 * or fetches each VAA and the VAAs for one chain go straight into `MarginVault.executeCommands` transactions of up
 * to {@link WORMHOLE_DELIVER_BATCH}; a VAA the vault refuses is skipped on-chain (CommandDeliveryFailed) and only
 * that command fails (it is attested again on retry). Confirmed by each command's `CommandExecuted` in the receipt.
 * Recorded: published (tx, Wormhole sequence), then attested (VAA), delivered (tx) and executed (outcome) together.
 */
export function createWormholeTransport(ctx: RelayerContext, attester: Attester): Transport {
  const { db, config, hub, hubChain } = ctx
  const published = new Map<Hex, Published>()
  // the Wormhole message fee changes only by governance: read once a minute (a publish that reverts reads it again)
  const messageFee = staleWhileRevalidate(
    () => hub.public.readContract({ address: hubChain.wormhole, abi: WormholeCore.abi, functionName: 'messageFee' }),
    60_000,
    60_000,
  )

  function remember(receipt: TransactionReceipt, timestamp: number): Published {
    const messages = new Map(
      parseEventLogs({ abi: LOG_MESSAGE_PUBLISHED, logs: receipt.logs, eventName: 'LogMessagePublished' })
        .filter((l) => l.args.sender.toLowerCase() === config.hub.address.toLowerCase())
        .map((l) => [l.args.sequence, { nonce: l.args.nonce, consistencyLevel: l.args.consistencyLevel, payload: l.args.payload }]),
    )
    const p = { blockNumber: receipt.blockNumber, timestamp, messages }
    published.set(receipt.transactionHash, p)
    if (published.size > 4096) published.delete(published.keys().next().value!)
    return p
  }

  async function publishedBy(txHash: Hex): Promise<Published> {
    const known = published.get(txHash)
    if (known) return known
    const receipt = await hub.public.waitForTransactionReceipt({ hash: txHash })
    return remember(receipt, Number(await hub.blockTimestamp(receipt.blockNumber)))
  }

  /** Publishes `list`; reuses a message an earlier attempt published (and did not record) instead of a second one. */
  async function publish(list: CommandRow[]): Promise<StepResult[]> {
    const results: Verdict[] = list.map(() => undefined)
    const signatures = await signaturesFor(ctx, list)
    const live = await passing(list, results, async (c) => {
      await assertNotExpiredBeforePublish(ctx, c)
      requireSignatures(signatures, c)
    })
    const retried = live.filter((i) => list[i]!.attempts > 0 || list[i]!.publishTx).map((i) => list[i]!)
    const earlier = await earlierPublishes(ctx, 'CommandPublished', retried)
    const fresh = live.filter((i) => !earlier.has(list[i]!.id.toLowerCase()))
    // counted before sending: if this process dies before recording the publish, the next attempt looks it up
    await countAttempts(db, fresh.map((i) => list[i]!.id))
    const sends: { indices: number[]; hash: Promise<Hex> }[] = []
    const fee = fresh.length > 0 ? await messageFee() : 0n
    const cap = fresh.length > 0 ? await hub.batchGasCap() : 0n
    for (const indices of chunkByGas(fresh, () => PUBLISH_MESSAGE_GAS, PUBLISH_BASE_GAS, cap, WORMHOLE_PUBLISH_BATCH)) {
      const payloads = indices.map((i) => list[i]!.payload as Hex)
      const hash = hub.sendContract({
        address: config.hub.address,
        abi: MarginHub.abi,
        functionName: 'publishBatch',
        args: [payloads, indices.map((i) => signatures.get(list[i]!.id)!)],
        value: fee * BigInt(payloads.length),
        gas: PUBLISH_BASE_GAS + PUBLISH_MESSAGE_GAS * BigInt(payloads.length),
      })
      hash.catch(() => {})
      sends.push({ indices, hash })
    }
    const byTx = new Map<Hex, number[]>()
    for (const i of live.filter((i) => earlier.has(list[i]!.id.toLowerCase()))) {
      const tx = earlier.get(list[i]!.id.toLowerCase())!
      byTx.set(tx, [...(byTx.get(tx) ?? []), i])
    }
    const moves: Move[] = []
    const record = async (indices: number[], sentTx: Hex) => {
      const receipt = await hub.public.waitForTransactionReceipt({ hash: sentTx })
      // the version that was mined: a replacement with higher fees when the first one stalled
      const txHash = receipt.transactionHash
      if (receipt.status !== 'success') {
        const isolated = await isolateRevert(
          indices,
          (i) =>
            hub.public.simulateContract({
              account: ctx.account,
              address: config.hub.address,
              abi: MarginHub.abi,
              functionName: 'publishBatch',
              args: [[list[i]!.payload as Hex], [signatures.get(list[i]!.id)!]],
              value: fee,
            }),
          new StepFailedError(`Publish transaction ${txHash} reverted.`),
        )
        for (const [i, error] of isolated) results[i] = error
        return
      }
      const p = remember(receipt, Number(await hub.blockTimestamp(receipt.blockNumber)))
      const sequenceOf = new Map(
        parseEventLogs({ abi: COMMAND_PUBLISHED, logs: receipt.logs, eventName: 'CommandPublished' }).map((l) => [l.args.commandId.toLowerCase(), l.args.sequence]),
      )
      for (const i of indices) {
        const c = list[i]!
        const sequence = sequenceOf.get(c.id.toLowerCase())
        if (sequence === undefined || !p.messages.has(sequence)) {
          results[i] = new StepFailedError(`Publish transaction ${txHash} emitted no message for command ${c.id}.`)
          continue
        }
        moves.push({
          command: c,
          hops: [{ to: 'published', detail: { transport: 'wormhole', tx: txHash, block: receipt.blockNumber.toString(), sequence: sequence.toString() } }],
          set: { publishTx: txHash, sequence, attempts: 0, lastError: null },
        })
      }
    }
    await Promise.all([
      ...sends.map(async ({ indices, hash }) => {
        try {
          await record(indices, await hash)
        } catch (error) {
          for (const i of indices) results[i] = error
        }
      }),
      ...[...byTx].map(async ([tx, indices]) => {
        try {
          await record(indices, tx)
        } catch (error) {
          for (const i of indices) results[i] = error
        }
      }),
    ])
    await transitionMany(db, moves)
    return stepResults(list, results)
  }

  /**
   * Obtains the VAA of every command in `list` whose hub block is final and delivers them at once, per destination
   * chain, in the same step: the VAA is recorded (with the `attested` hop) together with the delivery's outcome, so
   * a command costs one outbox write and one claim between publish and execution. A command whose delivery fails is
   * left `published` and attested again on retry (a VAA is the same message signed again, or fetched again).
   */
  async function attest(list: CommandRow[]): Promise<StepResult[]> {
    const head = await hub.headNumber()
    const attested: { i: number; row: CommandRow; hop: Hop }[] = []
    const verdicts = await Promise.all(
      list.map(async (c, i): Promise<Verdict> => {
        try {
          const p = await publishedBy(c.publishTx as Hex)
          const finalAt = p.blockNumber + BigInt(hubChain.confirmations)
          if (head < finalAt) return new NotYetError(`hub block ${p.blockNumber} not final until ${finalAt} (head ${head})`, untilFinal(hubChain.blockTimeMs, finalAt - head))
          const message = p.messages.get(c.sequence!)
          if (c.sequence === null || !message) return new StepFailedError(`Publish transaction ${c.publishTx} emitted no message with sequence ${c.sequence}.`)
          // the guardians' signatures are a confirmation the step waits for, like a receipt
          const vaa = await countWait(attester.attest({
            emitterChain: hubChain.wormholeChainId,
            emitterAddress: pad(config.hub.address, { size: 32 }),
            sequence: c.sequence,
            nonce: message.nonce,
            timestamp: p.timestamp,
            consistencyLevel: message.consistencyLevel,
            payload: message.payload,
          }))
          attested.push({ i, row: { ...c, vaa }, hop: { to: 'attested', detail: { sequence: c.sequence.toString(), hub_block: p.blockNumber.toString() } } })
          return undefined
        } catch (error) {
          return error
        }
      }),
    )
    const moves: Move[] = []
    const delivered = new Map<string, StepResult>()
    await Promise.all(
      [...groupBy(attested, (a) => String(a.row.destChainId)).values()].map(async (group) => {
        const results = await deliverInto(
          group.map((a) => a.row),
          moves,
          group.map((a) => a.hop),
        )
        for (const r of results) delivered.set(r.command.id, r)
      }),
    )
    await transitionMany(db, moves)
    // an attested command's result is its delivery's, about the row as claimed
    return list.map((c, i) => {
      const r = delivered.get(c.id)
      return r ? { ...r, command: c } : stepResult(c, verdicts[i])
    })
  }

  /** Delivers the VAAs of `list` (one destination chain, recorded `attested` by an earlier step) in `executeCommands` batches. */
  async function deliver(list: CommandRow[]): Promise<StepResult[]> {
    const moves: Move[] = []
    const results = await deliverInto(list, moves)
    await transitionMany(db, moves)
    return results
  }

  /**
   * Sends the VAAs of `list` (one destination chain) in `executeCommands` batches and pushes each command's move to
   * `moves` (not written here); `before[k]`, when given, is the hop recorded ahead of item k's delivery (its
   * attestation), and its VAA is recorded with it.
   */
  async function deliverInto(list: CommandRow[], moves: Move[], before?: Hop[]): Promise<StepResult[]> {
    const dest = getChain(config, list[0]!.destChainId)
    const c = ctx.clientsOf(dest.chainId)
    const results: Verdict[] = list.map(() => undefined)
    const chainTime = await c.chainTime()
    const live: number[] = []
    list.forEach((command, i) => {
      if (chainTime > command.expiry) results[i] = new PermanentDeliveryError(`expired at ${command.expiry} (chain time ${chainTime})`)
      else live.push(i)
    })
    const cap = await c.batchGasCap()
    const gasOf = (i: number) => vaaGas(list[i]!.vaa as Hex)
    const sends = chunkByGas(live, gasOf, EXECUTE_BASE_GAS, cap, WORMHOLE_DELIVER_BATCH).map((indices) => {
      const vaas = indices.map((i) => list[i]!.vaa as Hex)
      const gas = indices.reduce((sum, i) => sum + gasOf(i), EXECUTE_BASE_GAS)
      const hash = c.sendContract({ address: dest.vault, abi: MarginVault.abi, functionName: 'executeCommands', args: [vaas], gas })
      hash.catch(() => {})
      return { indices, hash }
    })
    await Promise.all(
      sends.map(async ({ indices, hash }) => {
        let txHash: Hex
        let receipt: TransactionReceipt
        try {
          receipt = await c.public.waitForTransactionReceipt({ hash: await hash })
          txHash = receipt.transactionHash
          if (receipt.status !== 'success') throw new StepFailedError(`Delivery ${txHash} reverted.`)
        } catch (error) {
          for (const i of indices) results[i] = error
          return
        }
        const executedById = new Map(
          parseEventLogs({ abi: COMMAND_EXECUTED, logs: receipt.logs, eventName: 'CommandExecuted' })
            .filter((l) => l.address.toLowerCase() === dest.vault.toLowerCase())
            .map((l) => [l.args.commandId.toLowerCase(), l.args.outcome]),
        )
        // held for the other transport (it needs both), or frozen (its copies differed)
        const vaultLogs = receipt.logs.filter((l) => l.address.toLowerCase() === dest.vault.toLowerCase())
        const heldIds = new Set(parseEventLogs({ abi: COMMAND_AWAITING_SECOND_TRANSPORT, logs: vaultLogs }).map((l) => l.args.commandId.toLowerCase()))
        const frozenIds = new Set(parseEventLogs({ abi: COMMAND_FROZEN, logs: vaultLogs }).map((l) => l.args.commandId.toLowerCase()))
        const failedAt = new Map(
          parseEventLogs({ abi: COMMAND_DELIVERY_FAILED, logs: receipt.logs, eventName: 'CommandDeliveryFailed' }).map((l) => [Number(l.args.index), l.args]),
        )
        await Promise.all(
          indices.map(async (i, position) => {
            const command = list[i]!
            const outcome = executedById.get(command.id.toLowerCase())
            if (outcome !== undefined) {
              moves.push(executedMove(command, txHash, receipt.blockNumber, outcomeName(outcome), before?.[i]))
              return
            }
            try {
              if (heldIds.has(command.id.toLowerCase())) {
                moves.push(await heldMove(ctx, command, 'wormhole', txHash, before?.[i] ? [before[i]!] : []))
                return
              }
              if (frozenIds.has(command.id.toLowerCase())) {
                results[i] = frozenError(command.id)
                return
              }
            } catch (error) {
              results[i] = error
              return
            }
            const failure = failedAt.get(position)
            const name = failure ? revertDataName(MarginVault.abi as Abi, failure.reason) : undefined
            try {
              results[i] = await refused(command, name, failure?.reason, moves, before?.[i])
            } catch (error) {
              results[i] = error
            }
          }),
        )
      }),
    )
    return stepResults(list, results)
  }

  /** `command` delivered and executed in `txHash`, after hop `before` (its attestation, with its VAA) when given. */
  function executedMove(command: CommandRow, txHash: Hex, block: bigint, outcome: string, before?: Hop): Move {
    return {
      command,
      hops: [
        ...(before ? [before] : []),
        { to: 'delivered', detail: { tx: txHash, chain_id: command.destChainId } },
        { to: 'executed', detail: { transport: 'wormhole', tx: txHash, block: block.toString(), outcome } },
      ],
      set: { ...(before ? { vaa: command.vaa } : {}), deliverTx: txHash, outcome, attempts: 0, lastError: null },
    }
  }

  /**
   * What to do with a VAA the vault skipped with error `name`: an execution by another delivery is recorded (pushed
   * to `moves`); otherwise the error to fail the command with.
   */
  async function refused(command: CommandRow, name: string | undefined, data: Hex | undefined, moves: Move[], before?: Hop): Promise<Verdict> {
    const dest = getChain(config, command.destChainId)
    if (name && ALREADY_DONE.has(name)) {
      const event = await ctx.findExecution(dest, command.id as Hex)
      if (event) {
        const outcome = outcomeName(event.outcome)
        moves.push({
          command,
          hops: [...(before ? [before] : []), { to: 'executed', detail: { transport: 'wormhole', tx: event.transactionHash, outcome, note: name } }],
          set: { ...(before ? { vaa: command.vaa } : {}), deliverTx: event.transactionHash, outcome, attempts: 0, lastError: null },
        })
        return undefined
      }
    }
    // a VAA of this command was held earlier (a crashed step did not record it): carry it over the other transport
    if (name === 'CommandAwaitingOtherTransport') {
      moves.push(await heldMove(ctx, command, 'wormhole', undefined, before ? [before] : []))
      return undefined
    }
    if (name === 'CommandFrozen') return frozenError(command.id)
    if (name && PERMANENT.has(name)) return new PermanentDeliveryError(refusal(name))
    const vaaDigest = command.vaa ? keccak256(command.vaa as Hex) : undefined
    return new StepFailedError(`vault skipped the VAA ${vaaDigest ?? ''}: ${name ?? (data && data !== '0x' ? data : 'no revert data (out of gas?)')}`)
  }

  /**
   * A command recorded as delivered before its receipt (by an earlier version or a crashed step): executed when its
   * receipt (or another delivery) shows `CommandExecuted`, else failed with the delivery cleared so it is re-sent.
   */
  async function confirm(command: CommandRow): Promise<Verdict> {
    const txHash = command.deliverTx as Hex
    const receipt = await ctx.clientsOf(command.destChainId).public.waitForTransactionReceipt({ hash: txHash })
    const own = parseEventLogs({ abi: COMMAND_EXECUTED, logs: receipt.logs, eventName: 'CommandExecuted' }).find(
      (l) => l.args.commandId.toLowerCase() === command.id.toLowerCase(),
    )
    const event = own
      ? { transactionHash: txHash, blockNumber: receipt.blockNumber, outcome: own.args.outcome }
      : await ctx.findExecution(getChain(config, command.destChainId), command.id as Hex)
    if (event) {
      const outcome = outcomeName(event.outcome)
      await transitionMany(db, [
        { command, hops: [{ to: 'executed', detail: { transport: 'wormhole', tx: event.transactionHash, block: event.blockNumber.toString(), outcome } }], set: { deliverTx: event.transactionHash, outcome, lastError: null } },
      ])
      return undefined
    }
    await transitionMany(db, [
      { command, hops: [{ to: 'failed', detail: { tx: txHash, error: 'delivery not executed' } }], set: { deliverTx: null, lastError: 'delivery not executed' } },
    ])
    return undefined
  }

  return {
    name: 'wormhole',
    batchKey(command) {
      if (command.deliverTx) return `confirm:${command.id}`
      if (command.vaa) return `deliver:${command.destChainId}`
      if (command.publishTx) return 'attest'
      return 'publish'
    },
    async advance(list) {
      const first = list[0]!
      if (first.deliverTx) return forAll(list, async () => [stepResult(first, await confirm(first))])
      if (first.vaa) return forAll(list, () => deliver(list))
      if (first.publishTx) return forAll(list, () => attest(list))
      return forAll(list, () => publish(list))
    },
  }
}
