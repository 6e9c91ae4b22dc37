import { type ChainConfig, type Config, createChainPublicClient, createChainWalletClient, getChain } from '@unimargin/chains'
import { MarginHub, MarginVault } from '@unimargin/contracts'
import type { Db } from '@unimargin/db'
import { Semaphore } from 'async-mutex'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { type Abi, type Account, type Address, type BaseError, encodeFunctionData, type Hex, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { PermanentDeliveryError } from './errors.js'
import { countWait } from './timing.js'
import { createFeeBumper, type FeeBumper, type SentTransaction } from './bump.js'
import { createChainFollower } from './follower.js'
import { createHubThreshold } from './hubThreshold.js'
import { staleWhileRevalidate } from './cache.js'

export { staleWhileRevalidate }
import { publishableSignatures } from './outbox.js'

/** viem clients of one configured chain, with a lock that sends one transaction at a time (nonces in order). */
export type ChainClients = {
  chain: ChainConfig
  public: ReturnType<typeof createChainPublicClient>
  wallet: ReturnType<typeof createChainWalletClient>
  sendLock: ReturnType<typeof pLimit>
  /**
   * Sends a contract call from the relayer's key with gas limit `gas` and returns its hash without waiting for it to
   * be mined. Callers give measured budgets rather than a node's estimate: the batch entry points catch per-item
   * failures, so an estimate would find the least gas at which items fail quietly, and it would cost a round trip.
   * The nonce is counted locally under `sendLock` (one `eth_getTransactionCount` when unknown, again after a send
   * fails), fees come from the head as last seen (max fee three times the base fee plus the node's priority fee), and
   * the transaction is signed here and sent raw: one round trip. A transaction still unmined two blocks later is
   * sent again with the same nonce and higher fees (bump.ts); `public.waitForTransactionReceipt` with the returned
   * hash resolves with whichever version was mined, so record the receipt's `transactionHash`. The relayer's unmined
   * transactions on a chain ask for one block's gas limit at most: a send beyond that waits for blocks (counted as a
   * confirmation wait) before it signs.
   * @throws Error (a viem error) when the node refuses the transaction.
   */
  sendContract(call: ContractCall): Promise<Hex>
  /**
   * The chain's latest block timestamp, unix s, as last seen by the background head poll (several polls per block
   * while the relayer is busy); awaited afresh only when older than two blocks (`blockTimeMs`). Old by at most two
   * blocks, so a check against it errs late (an expiry is seen late, finality is seen late), never early.
   */
  chainTime(): Promise<bigint>
  /** the chain's latest block number, as last seen (see {@link chainTime}) */
  headNumber(): Promise<bigint>
  /**
   * Gas one batch transaction may ask for: an eighth of the latest block's gas limit (as last seen, see
   * {@link chainTime}). Blocks are filled by gas limits, so smaller transactions pack next to each other (several
   * pipelined deliveries and publishes share a block); a transaction asking for more than a block holds is never
   * mined and holds every later nonce of the sender.
   */
  batchGasCap(): Promise<bigint>
  /** unix timestamp (s) of block `number`, from the blocks the head poller saw when it can */
  blockTimestamp(number: bigint): Promise<bigint>
  /** stops the background head poll */
  close(): void
}

/**
 * Gas per unit of the in-flight gas gate: async-mutex's semaphore walks every weight up to its free value when it
 * wakes waiters, so weights count 10k gas (3 000 for a 30M block), not gas.
 */
const GATE_UNIT = 10_000n

/** A call {@link ChainClients.sendContract} sends. `value` in wei; `gas` (the transaction's gas limit) in gas units. */
export type ContractCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[]; value?: bigint; gas: bigint }

/** What every transport step needs: the outbox, the config, the relayer's key and per-chain clients. */
export type RelayerContext = {
  db: Db
  config: Config
  log: Logger
  account: Account
  hubChain: ChainConfig
  hub: ChainClients
  /** clients of chain `chainId`. @throws {PermanentDeliveryError} if it is not configured. */
  clientsOf(chainId: number): ChainClients
  /** the destination vault's `CommandExecuted` for `commandId` (whichever transport delivered it), if any */
  findExecution(dest: ChainConfig, commandId: Hex): Promise<ExecutionEvent | undefined>
  /** co-signatures a command is published with (MarginHub.threshold(), cached); undefined when no co-signers are configured */
  coSignThreshold: (() => Promise<number>) | undefined
  /** stops every chain's background head poll */
  close(): void
}

export type ExecutionEvent = { transactionHash: Hex; blockNumber: bigint; outcome: number }

/**
 * Builds the shared context: one public and one wallet client per configured chain; with `coSigned`, the hub's
 * co-signature threshold read from MarginHub ({@link createHubThreshold}, the config's `coSigners.threshold` only as a
 * fallback while the hub cannot be read).
 */
export function createRelayerContext(params: { db: Db; config: Config; log: Logger; coSigned: boolean }): RelayerContext {
  const { db, config, log } = params
  const account = privateKeyToAccount(config.relayer.privateKey)
  const hubChain = getChain(config, config.hub.chainId)
  const clients = new Map(config.chains.map((chain) => [chain.chainId, chainClients(chain, account, undefined, log)]))
  const clientsOf = (chainId: number) => {
    const c = clients.get(chainId)
    if (!c) throw new PermanentDeliveryError(`No chain ${chainId} in the configuration.`)
    return c
  }
  const hub = clientsOf(hubChain.chainId)
  const coSignThreshold = params.coSigned
    ? createHubThreshold({ client: hub.public, hub: config.hub.address, log, ...(config.coSigners?.threshold !== undefined ? { fallback: config.coSigners.threshold } : {}) })
    : undefined
  return {
    db,
    config,
    log,
    account,
    hubChain,
    hub,
    clientsOf,
    coSignThreshold,
    close: () => {
      for (const c of clients.values()) c.close()
    },
    async findExecution(dest, commandId) {
      const [event] = await clientsOf(dest.chainId).public.getContractEvents({
        address: dest.vault,
        abi: MarginVault.abi,
        eventName: 'CommandExecuted',
        args: { commandId },
        fromBlock: dest.startBlock,
      })
      if (!event) return undefined
      return { transactionHash: event.transactionHash, blockNumber: event.blockNumber, outcome: event.args.outcome ?? 0 }
    },
  }
}

/**
 * Clients of one chain with the relayer's send path (see {@link ChainClients}).
 * @param publicClient the chain's public client (default: {@link createChainPublicClient}); its receipt waits are
 * counted against the running step
 */
export function chainClients(chain: ChainConfig, account: LocalAccount, publicClient = createChainPublicClient(chain), log?: Logger): ChainClients {
  // the head as the relayer last saw it, polled in the background a few times per block while steps run: expiry
  // checks, finality checks, gas caps and fees read it without a round trip, and receipts come from the same poller
  const follower = createChainFollower({
    client: publicClient,
    intervalMs: Math.max(25, Math.min(chain.blockTimeMs / 8, 500)),
    maxAgeMs: Math.max(2, chain.blockTimeMs * 2),
    onError: (error) => log?.debug({ chain_id: chain.chainId, err: (error as Error).message }, 'Failed to poll the chain head'),
    onHead: (h) => {
      bumper.onHead(h)
      releaseMined(h.transactions)
    },
  })
  const wallet = createChainWalletClient(chain, account)
  const sendLock = pLimit(1)
  let nonce: number | undefined
  // the node's suggested priority fee moves slowly: read at most once per ten blocks, and a stale one (a minute) is
  // still used while a fresh one loads
  const priorityFee = staleWhileRevalidate(() => publicClient.estimateMaxPriorityFeePerGas(), Math.max(1, chain.blockTimeMs * 10), 60_000)
  /** the nonce of every version of the transactions in flight (replacements included), by lower-case hash */
  const nonceOf = new Map<string, number>()
  const signAndSend = async (tx: SentTransaction) => {
    const hash = await publicClient.sendRawTransaction({ serializedTransaction: await account.signTransaction(tx) })
    nonceOf.set(hash.toLowerCase(), tx.nonce)
    return hash
  }
  // a transaction left unmined under a rising base fee would hold every later nonce: send it again with higher fees
  const bumper = createFeeBumper({
    follower,
    resend: signAndSend,
    priorityFee,
    minedNonce: () => publicClient.getTransactionCount({ address: account.address, blockTag: 'latest' }),
    onBump: (e) =>
      e.error
        ? log?.debug({ chain_id: chain.chainId, nonce: e.nonce, tx: e.from, err: e.error }, 'Replacement transaction refused')
        : log?.warn({ chain_id: chain.chainId, nonce: e.nonce, tx: e.from, replacement: e.to, max_fee: e.maxFeePerGas.toString() }, 'Sent a stuck transaction again with higher fees'),
  })
  const pub = withFollowedReceipts(publicClient, bumper)
  // the relayer's unmined transactions ask for one block's gas at most: more only queues in the node's pool, where a
  // node may skip or evict it. anvil skips a transaction that does not fit the block's remaining gas, then drops the
  // sender's next nonce as "nonce too high" (executor.rs, `execute_pool_transactions`), which stalls every later
  // nonce until the fee bumper sends it again. The gate's size is the first head's gas limit, in GATE_UNIT gas.
  let inFlightGas: { gate: Semaphore; size: number } | undefined
  /** releases of the gas of transactions in flight, by nonce */
  const inFlight = new Map<number, () => void>()
  /**
   * Gives back the gas of every transaction at or below the highest nonce of ours in a new block's `transactions`
   * (nonces are mined in order): in the same poll that sees the block, before its receipts are read. A transaction
   * whose block the poll skipped is given back with its receipt.
   */
  function releaseMined(transactions: readonly Hex[]) {
    if (inFlight.size === 0) return
    let top = -1
    for (const hash of transactions) top = Math.max(top, nonceOf.get(hash.toLowerCase()) ?? -1)
    if (top < 0) return
    for (const [n, release] of inFlight)
      if (n <= top) {
        release()
        inFlight.delete(n)
      }
    for (const [hash, n] of nonceOf) if (n <= top) nonceOf.delete(hash)
  }
  /** Waits (for blocks: a confirmation wait) until `gas` fits next to the unmined transactions. @returns its release. */
  async function admit(gas: bigint): Promise<() => void> {
    if (!inFlightGas) {
      const size = Number((await follower.head()).gasLimit / GATE_UNIT)
      inFlightGas ??= { gate: new Semaphore(size), size }
    }
    const { gate, size } = inFlightGas
    // rounded up; a transaction larger than a block on its own goes out once nothing else is in flight
    const [, release] = await countWait(gate.acquire(Math.min(Number((gas + GATE_UNIT - 1n) / GATE_UNIT), size)))
    return release
  }

  async function send(call: ContractCall, data: Hex, gas: bigint, release: () => void): Promise<Hex> {
    nonce ??= await pub.getTransactionCount({ address: account.address, blockTag: 'pending' })
    const [head, maxPriorityFeePerGas] = await Promise.all([follower.head(), priorityFee()])
    // three times the base fee: still enough after nine full blocks at EIP-1559's +12.5% per block (1.125^9 ≈ 2.9);
    // only the base fee actually due is paid; a transaction the base fee outruns anyway is bumped (see bump.ts)
    const tx: SentTransaction = {
      chainId: chain.chainId,
      type: 'eip1559',
      to: call.address,
      data,
      value: call.value,
      gas,
      nonce,
      maxFeePerGas: head.baseFeePerGas * 3n + maxPriorityFeePerGas,
      maxPriorityFeePerGas,
    }
    const hash = await signAndSend(tx)
    nonce++
    inFlight.set(tx.nonce, release)
    bumper.track(hash, tx, head.number)
    return hash
  }

  return {
    chain,
    public: pub,
    wallet,
    sendLock,
    async sendContract(call) {
      const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never)
      const release = await admit(call.gas)
      let hash: Hex
      try {
        hash = await sendLockedContract(call, data, release)
      } catch (error) {
        release()
        throw error
      }
      // its gas is back in the gate once a version of it is seen in a block (releaseMined), or its receipt is (or it
      // is given up after the receipt timeout)
      bumper.receipt(hash).then(release, release)
      return hash
    },
    chainTime: async () => (await follower.head()).timestamp,
    headNumber: async () => (await follower.head()).number,
    batchGasCap: async () => (await follower.head()).gasLimit / 8n,
    blockTimestamp: follower.blockTimestamp,
    close: follower.stop,
  }

  /**
   * Sends `call` (encoded as `data`) under `sendLock`, counting nonces again once after a nonce error; `release`
   * gives its gas back once it is mined.
   */
  function sendLockedContract(call: ContractCall, data: Hex, release: () => void): Promise<Hex> {
    return sendLock(async () => {
      try {
        return await send(call, data, call.gas, release)
      } catch (error) {
        log?.warn({ chain_id: chain.chainId, nonce, err: (error as BaseError).shortMessage ?? (error as Error).message }, 'Failed to send a transaction')
        if (!/nonce/i.test((error as Error).message)) throw error
        // another sender used the key: count again from the node, once, never below what this client already
        // sent (a node that lost some of them from its pool gets them again from the fee bumper)
        const known = nonce
        nonce = undefined
        nonce = Math.max(await pub.getTransactionCount({ address: account.address, blockTag: 'pending' }), known ?? 0)
        return await send(call, data, call.gas, release)
      }
    })
  }
}

/**
 * The hub transactions in which earlier attempts already published the given commands (an attempt may have sent
 * its transaction and failed before recording it), from MarginHub's `CommandPublished` (Wormhole) or
 * `CommandSentLz` (LayerZero, only those to `dstEidOf` the command's destination). Reusing them keeps a retry from
 * publishing a command twice.
 * @returns the first such transaction per command id (lower-case).
 */
export async function earlierPublishes(
  ctx: RelayerContext,
  eventName: 'CommandPublished' | 'CommandSentLz',
  commands: { id: string; destChainId: number }[],
  dstEidOf?: (destChainId: number) => number,
): Promise<Map<string, Hex>> {
  const found = new Map<string, Hex>()
  if (commands.length === 0) return found
  const byId = new Map(commands.map((c) => [c.id.toLowerCase(), c]))
  const logs = await ctx.hub.public.getContractEvents({
    address: ctx.config.hub.address,
    abi: MarginHub.abi,
    eventName,
    args: { commandId: commands.map((c) => c.id as Hex) },
    fromBlock: ctx.hubChain.startBlock,
  })
  for (const l of logs) {
    const id = l.args.commandId?.toLowerCase()
    const command = id ? byId.get(id) : undefined
    if (!id || !command || found.has(id)) continue
    if (dstEidOf && 'dstEid' in l.args && l.args.dstEid !== dstEidOf(command.destChainId)) continue
    found.set(id, l.transactionHash)
  }
  return found
}

/**
 * `client` whose `waitForTransactionReceipt` is served by the head poller through `bumper` (only its `hash` and
 * `timeout` are read: the receipt may be that of a replacement with higher fees, so callers record
 * `receipt.transactionHash`) and counts its wait against the running step (see timing.ts).
 */
function withFollowedReceipts<C extends ReturnType<typeof createChainPublicClient>>(client: C, bumper: FeeBumper): C {
  const wait = client.waitForTransactionReceipt
  return {
    ...client,
    waitForTransactionReceipt: ((args: Parameters<typeof wait>[0]) => countWait(bumper.receipt(args.hash, args.timeout))) as typeof wait,
  }
}

/**
 * Gas the hub's co-signature check adds to one published command: EIP-712 digest, and per signature its calldata
 * and an ecrecover (≈ 8k each), for up to 3 signatures; a hub with a higher threshold needs more.
 */
export const COSIGNED_MESSAGE_GAS = 30_000n

/** The signatures each command of `list` is published with (`ctx.coSignThreshold` of them; absent when it holds fewer). */
export async function signaturesFor(ctx: RelayerContext, list: readonly { id: string }[]): Promise<Map<string, Hex[]>> {
  if (ctx.coSignThreshold === undefined) return new Map()
  return publishableSignatures(
    ctx.db,
    list.map((c) => c.id),
    await ctx.coSignThreshold(),
  )
}

/** @throws Error when `command` holds fewer co-signatures than MarginHub needs (it is gathered again on retry). */
export function requireSignatures(signatures: Map<string, Hex[]>, command: { id: string }): void {
  if (!signatures.has(command.id)) throw new Error(`Command ${command.id} holds fewer co-signatures than MarginHub's threshold.`)
}

/**
 * Refuses to publish a command its destination vault would refuse as expired: the vault checks `expiry` against its
 * own chain's block time, so this reads the destination chain's latest block (the hub's may lag when it mines
 * rarely). Saves the publish and attestation of a command that can only be dead-lettered.
 * @throws {PermanentDeliveryError} when the destination chain's time is past the command's expiry.
 */
export async function assertNotExpiredBeforePublish(ctx: RelayerContext, command: { destChainId: number; expiry: bigint }): Promise<void> {
  const destTime = await ctx.clientsOf(command.destChainId).chainTime()
  if (destTime > command.expiry)
    throw new PermanentDeliveryError(`expired at ${command.expiry} before it was published (destination chain time ${destTime})`)
}

/**
 * How long to wait before checking again for a block that is `blocksToGo` blocks ahead of the head, ms: the blocks
 * before the last one at the chain's pace, then a quarter block (the next block may come any time within one).
 */
export function untilFinal(blockTimeMs: number, blocksToGo: bigint): number {
  return Math.max(20, Number(blocksToGo - 1n) * blockTimeMs + blockTimeMs / 4)
}

