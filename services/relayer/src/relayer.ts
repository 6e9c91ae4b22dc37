import { type ChainConfig, type Config, createChainPublicClient, createChainWalletClient, getChain } from '@unimargin/chains'
import { MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import type { Db } from '@unimargin/db'
import { createPollLoop } from '@unimargin/lifecycle'
import type { Attester } from '@unimargin/protocol'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { BaseError, ContractFunctionRevertedError, type Hex, pad, parseEventLogs } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { backoffDelayMs } from './backoff.js'
import { NotYetError, PermanentDeliveryError } from './errors.js'
import { commandOutcomeName as outcomeName } from '@unimargin/protocol'
import { claimDueCommands, type CommandRow, reschedule, transition } from './outbox.js'

export type CreateRelayerParameters = {
  db: Db
  config: Config
  logger: Logger
  /** signs or fetches the VAA for a published message */
  attester: Attester
  /** identifies this node in `commands.claimed_by` (default: `relayer-<pid>`) */
  id?: string
  /** delay between polls of the outbox, ms (default 100) */
  pollIntervalMs?: number
  /** commands claimed per poll (default 64) */
  batchSize?: number
}

export type Relayer = {
  /** Claims due commands and advances each by one step. Returns how many were advanced. */
  tick: () => Promise<number>
  start: () => void
  stop: () => Promise<void>
}

/** Vault errors that mean the command already took effect through another delivery. */
const ALREADY_DONE = new Set(['CommandAlreadyExecuted', 'VaaAlreadyConsumed'])
/** Vault errors a retry cannot change. */
const PERMANENT = new Set(['CommandExpired', 'WrongDestination', 'WrongEmitter', 'UnsupportedVersion', 'UnknownKind'])

/**
 * Creates a relayer: claims outbox rows, publishes each command through MarginHub on the hub chain, waits for the
 * hub chain's finality depth, obtains the VAA from the `attester`, delivers it to the destination vault with
 * `executeCommand`, and confirms by the vault's `CommandExecuted` event. Every step is one state transition
 * (pending → published → attested → delivered → executed), recorded in `command_transitions` with tx hashes.
 * A failing step is retried with exponential backoff (`relayer.baseDelayMs · 2^attempt`, capped at
 * `relayer.maxDelayMs`) and dead-lettered after `relayer.maxAttempts`. Transactions are sent one at a time per
 * chain so nonces never collide; receipts are awaited outside that lock.
 */
export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const { db, config, attester } = parameters
  const id = parameters.id ?? `relayer-${process.pid}`
  const log = parameters.logger.child({ service: 'relayer', relayer_id: id })
  const account = privateKeyToAccount(config.relayer.privateKey)
  const hubChain = getChain(config, config.hub.chainId)
  const clients = new Map(
    config.chains.map((chain) => [
      chain.chainId,
      { chain, public: createChainPublicClient(chain), wallet: createChainWalletClient(chain, account), sendLock: pLimit(1) },
    ]),
  )
  const clientsOf = (chainId: number) => {
    const c = clients.get(chainId)
    if (!c) throw new PermanentDeliveryError(`No chain ${chainId} in the configuration.`)
    return c
  }
  const hub = clientsOf(hubChain.chainId)
  const work = pLimit(32)

  async function publish(command: CommandRow) {
    const hubTime = (await hub.public.getBlock({ blockTag: 'latest' })).timestamp
    if (hubTime > command.expiry) throw new PermanentDeliveryError(`expired at ${command.expiry} before it was published (hub time ${hubTime})`)
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
    await transition(db, command, 'published', { tx: txHash, block: receipt.blockNumber.toString(), sequence: message.args.sequence.toString() }, {
      publishTx: txHash,
      sequence: message.args.sequence,
      attempts: 0,
      lastError: null,
    })
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

  async function findExecution(dest: ChainConfig, commandId: Hex) {
    const c = clientsOf(dest.chainId)
    const [event] = await c.public.getContractEvents({
      address: dest.vault,
      abi: MarginVault.abi,
      eventName: 'CommandExecuted',
      args: { commandId },
      fromBlock: dest.startBlock,
    })
    return event
  }

  async function deliver(command: CommandRow) {
    const dest = getChain(config, command.destChainId)
    const c = clientsOf(dest.chainId)
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
        const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined
        const name = revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined
        if (name && ALREADY_DONE.has(name)) {
          const event = await findExecution(dest, command.id as Hex)
          if (event) {
            await transition(db, command, 'executed', { tx: event.transactionHash, outcome: outcomeName(event.args.outcome ?? 0), note: name }, {
              deliverTx: event.transactionHash,
              outcome: outcomeName(event.args.outcome ?? 0),
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

  async function advance(command: CommandRow): Promise<void> {
    const started = Date.now()
    try {
      if (command.vaa) await deliver(command)
      else if (command.publishTx) await attest(command)
      else await publish(command)
      log.debug({ command_id: command.id, kind: command.kind, from: command.state, duration: Date.now() - started }, 'Advanced command')
    } catch (error) {
      if (error instanceof NotYetError) {
        await reschedule(db, command.id, error.retryInMs)
        return
      }
      const attempts = command.attempts + 1
      const message = error instanceof BaseError ? error.shortMessage : (error as Error).message
      if (error instanceof PermanentDeliveryError || attempts >= config.relayer.maxAttempts) {
        log.error({ command_id: command.id, attempts, err: message }, 'Dead-lettered command')
        await transition(db, command, 'dead', { error: message, attempts }, { attempts, lastError: message })
        return
      }
      const delayMs = backoffDelayMs(attempts, config.relayer.baseDelayMs, config.relayer.maxDelayMs)
      log.warn({ command_id: command.id, attempts, retry_in_ms: delayMs, err: message }, 'Failed to advance command')
      await transition(db, command, 'failed', { error: message, attempts, retry_in_ms: delayMs }, {
        attempts,
        lastError: message,
        nextAttemptAt: new Date(Date.now() + delayMs),
      })
    }
  }

  async function tick(): Promise<number> {
    const due = await claimDueCommands(db, id, parameters.batchSize ?? 64, 60_000)
    await Promise.all(due.map((command) => work(() => advance(command))))
    return due.length
  }

  const loop = createPollLoop({
    intervalMs: parameters.pollIntervalMs ?? 100,
    run: async () => (await tick()) > 0,
    onError: (error, failures, retryInMs) =>
      log.warn({ err: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to poll the outbox'),
  })

  return {
    tick,
    start: loop.start,
    stop: loop.stop,
  }
}
