import { getChain } from '@unimargin/chains'
import { MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import { type Attester, commandOutcomeName as outcomeName } from '@unimargin/protocol'
import { type Hex, pad, parseEventLogs } from 'viem'
import { assertNotExpiredBeforePublish, type RelayerContext } from '../context.js'
import { NotYetError, PermanentDeliveryError } from '../errors.js'
import { type CommandRow, transition } from '../outbox.js'
import { revertName } from '../revert.js'
import type { Transport } from '../transport.js'

/** Vault errors that mean the command already took effect through another delivery. */
const ALREADY_DONE = new Set(['CommandAlreadyExecuted', 'VaaAlreadyConsumed'])
/** Vault errors a retry cannot change. */
const PERMANENT = new Set(['CommandExpired', 'WrongDestination', 'WrongEmitter', 'UnsupportedVersion', 'UnknownKind'])

/**
 * The Wormhole transport: publishes through `MarginHub.publish`, waits for the hub chain's finality depth, obtains
 * the VAA from the `attester`, delivers it with `MarginVault.executeCommand` and confirms by `CommandExecuted`.
 * Recorded: published (tx, Wormhole sequence), attested (VAA), delivered (tx), executed (outcome).
 */
export function createWormholeTransport(ctx: RelayerContext, attester: Attester): Transport {
  const { db, config, account, hub, hubChain } = ctx

  async function publish(command: CommandRow) {
    await assertNotExpiredBeforePublish(ctx, command)
    let txHash: Hex | undefined
    if (command.attempts > 0 || command.publishTx) {
      // An earlier attempt may have published without recording it: reuse that message instead of a second one.
      const earlier = await hub.public.getContractEvents({
        address: config.hub.address,
        abi: MarginHub.abi,
        eventName: 'CommandPublished',
        args: { commandId: command.id as Hex },
        fromBlock: hubChain.startBlock,
      })
      txHash = earlier[0]?.transactionHash ?? undefined
    }
    if (!txHash) {
      txHash = await hub.sendLock(async () => {
        const { request } = await hub.public.simulateContract({
          account,
          address: config.hub.address,
          abi: MarginHub.abi,
          functionName: 'publish',
          args: [command.payload as Hex],
        })
        return hub.wallet.writeContract(request)
      })
    }
    const receipt = await hub.public.waitForTransactionReceipt({ hash: txHash })
    if (receipt.status !== 'success') throw new Error(`Publish transaction ${txHash} reverted.`)
    const [message] = parseEventLogs({ abi: WormholeCore.abi, logs: receipt.logs, eventName: 'LogMessagePublished' })
    if (!message) throw new Error(`Publish transaction ${txHash} emitted no LogMessagePublished.`)
    await transition(
      db,
      command,
      'published',
      { transport: 'wormhole', tx: txHash, block: receipt.blockNumber.toString(), sequence: message.args.sequence.toString() },
      { publishTx: txHash, sequence: message.args.sequence, attempts: 0, lastError: null },
    )
  }

  async function attest(command: CommandRow) {
    const receipt = await hub.public.getTransactionReceipt({ hash: command.publishTx as Hex })
    const head = await hub.public.getBlockNumber({ cacheTime: 0 })
    const finalAt = receipt.blockNumber + BigInt(hubChain.confirmations)
    if (head < finalAt)
      throw new NotYetError(`hub block ${receipt.blockNumber} not final until ${finalAt} (head ${head})`, Math.max(20, hubChain.blockTimeMs / 2))
    const [message] = parseEventLogs({ abi: WormholeCore.abi, logs: receipt.logs, eventName: 'LogMessagePublished' })
    if (!message) throw new Error(`Publish transaction ${command.publishTx} emitted no LogMessagePublished.`)
    const block = await hub.public.getBlock({ blockNumber: receipt.blockNumber })
    const vaa = await attester.attest({
      emitterChain: hubChain.wormholeChainId,
      emitterAddress: pad(config.hub.address, { size: 32 }),
      sequence: message.args.sequence,
      nonce: message.args.nonce,
      timestamp: Number(block.timestamp),
      consistencyLevel: message.args.consistencyLevel,
      payload: message.args.payload,
    })
    await transition(db, command, 'attested', { sequence: message.args.sequence.toString(), hub_block: receipt.blockNumber.toString() }, {
      vaa,
      attempts: 0,
      lastError: null,
    })
  }

  async function deliver(command: CommandRow) {
    const dest = getChain(config, command.destChainId)
    const c = ctx.clientsOf(dest.chainId)
    let txHash = command.deliverTx as Hex | null
    if (!txHash) {
      const latest = await c.public.getBlock({ blockTag: 'latest' })
      if (latest.timestamp > command.expiry) throw new PermanentDeliveryError(`expired at ${command.expiry} (chain time ${latest.timestamp})`)
      try {
        txHash = await c.sendLock(async () => {
          const { request } = await c.public.simulateContract({
            account,
            address: dest.vault,
            abi: MarginVault.abi,
            functionName: 'executeCommand',
            args: [command.vaa as Hex],
          })
          return c.wallet.writeContract(request)
        })
      } catch (error) {
        const name = revertName(error)
        if (name && ALREADY_DONE.has(name)) {
          const event = await ctx.findExecution(dest, command.id as Hex)
          if (event) {
            await transition(db, command, 'executed', { tx: event.transactionHash, outcome: outcomeName(event.outcome), note: name }, {
              deliverTx: event.transactionHash,
              outcome: outcomeName(event.outcome),
              lastError: null,
            })
            return
          }
        }
        if (name && PERMANENT.has(name)) throw new PermanentDeliveryError(`vault refused the command: ${name}`)
        throw error
      }
      await transition(db, command, 'delivered', { tx: txHash, chain_id: dest.chainId }, { deliverTx: txHash })
      command = { ...command, state: 'delivered', deliverTx: txHash }
    }
    const receipt = await c.public.waitForTransactionReceipt({ hash: txHash })
    if (receipt.status !== 'success') {
      await transition(db, command, 'failed', { tx: txHash, error: 'delivery reverted' }, { deliverTx: null, lastError: 'delivery reverted' })
      return
    }
    const [executed] = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandExecuted' })
    if (!executed) throw new Error(`Delivery ${txHash} emitted no CommandExecuted.`)
    const outcome = outcomeName(executed.args.outcome)
    await transition(db, command, 'executed', { tx: txHash, block: receipt.blockNumber.toString(), outcome }, { outcome, lastError: null })
  }

  return {
    name: 'wormhole',
    async advance(command) {
      if (command.vaa) await deliver(command)
      else if (command.publishTx) await attest(command)
      else await publish(command)
    },
  }
}
