import { type ChainConfig, createChainPublicClient, createChainWalletClient } from '@unimargin/chains'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { type Abi, type Address, type BaseError, encodeFunctionData, type Hex, type LocalAccount } from 'viem'
import { NotYetError } from '../errors.js'
import { countWait } from '../timing.js'
import { staleWhileRevalidate } from '../cache.js'
import { createFeeBumper, type FeeBumper, type SentTransaction } from './bump.js'
import { createChainFollower } from './follower.js'
import { createGasGate } from './gasGate.js'
import { relayerFeeBumps, relayerPendingNonces } from '../relayerMetrics.js'
import { asNonceError, createNonceManager, isNonceError } from './nonceManager.js'

/** A call {@link ChainClients.sendContract} sends. `value` in wei; `gas` (the transaction's gas limit) in gas units. */
export type ContractCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[]; value?: bigint; gas: bigint }

/**
 * Thrown by {@link ChainClients.sendContract} when this node does not hold the relayer key's lease (another node
 * sends from the key now): the step is tried again later, by whichever node holds the lease, without counting an
 * attempt.
 */
export class KeyNotHeldError extends NotYetError {
  override name = 'KeyNotHeldError'
  constructor(chainId: number) {
    super(`Not sending on chain ${chainId}: this node does not hold the relayer key's lease.`, 1_000)
  }
}

/** viem clients of one configured chain, with the relayer's send path (one transaction at a time, nonces in order). */
export type ChainClients = {
  chain: ChainConfig
  public: ReturnType<typeof createChainPublicClient>
  wallet: ReturnType<typeof createChainWalletClient>
  /** the lock under which transactions are signed and sent, one at a time */
  sendLock: ReturnType<typeof pLimit>
  /**
   * Sends a contract call from the relayer's key with gas limit `gas` and returns its hash without waiting for it to
   * be mined. Callers give measured budgets rather than a node's estimate: the batch entry points catch per-item
   * failures, so an estimate would find the least gas at which items fail quietly, and it would cost a round trip.
   * The nonce comes from the chain's nonce manager under `sendLock` (nonceManager.ts: one `eth_getTransactionCount`
   * when unknown, again after a nonce error), the gas gate holds the send while the unmined transactions already ask
   * for a block's gas (gasGate.ts, counted as a confirmation wait), fees come from the head as last seen (max fee
   * three times the base fee plus the node's priority fee), and the transaction is signed here and sent raw: one
   * round trip. A transaction still unmined two blocks later is sent again with the same nonce and higher fees
   * (bump.ts); `public.waitForTransactionReceipt` with the returned hash resolves with whichever version was mined,
   * so record the receipt's `transactionHash`.
   * @throws {KeyNotHeldError} when `keyHeld` says this node does not hold the relayer key's lease.
   * @throws Error (a viem error; a nonce refusal as viem's `NonceTooLowError` / `NonceTooHighError` after the one
   * resync it triggers) when the node refuses the transaction.
   */
  sendContract(call: ContractCall): Promise<Hex>
  /**
   * Prepares this node to send from the key after another node did: forgets the nonce count (read again from the
   * node at the next send) and waits until the key's transactions the node has pending are mined, at most
   * `timeoutMs`, so steps that look for an earlier node's transactions on-chain find them.
   * @returns whether the pending transactions were all mined within `timeoutMs`.
   */
  takeOver(timeoutMs: number): Promise<boolean>
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

export type ChainClientsOptions = {
  /** the chain's public client (default: {@link createChainPublicClient}); its receipt waits are counted against the running step */
  publicClient?: ReturnType<typeof createChainPublicClient>
  log?: Logger | undefined
  /**
   * whether this node may send from the key now (the relayer key's lease); checked before every send and every fee
   * bump. Default: always.
   */
  keyHeld?: () => boolean
}

/** Clients of one chain with the relayer's send path (see {@link ChainClients}). */
export function chainClients(chain: ChainConfig, account: LocalAccount, options: ChainClientsOptions = {}): ChainClients {
  const { log, keyHeld = () => true } = options
  const publicClient = options.publicClient ?? createChainPublicClient(chain)
  // the head as the relayer last saw it, polled in the background a few times per block while steps run: expiry
  // checks, finality checks, gas caps and fees read it without a round trip, and receipts come from the same poller
  const follower = createChainFollower({
    client: publicClient,
    intervalMs: Math.max(25, Math.min(chain.blockTimeMs / 8, 500)),
    maxAgeMs: Math.max(2, chain.blockTimeMs * 2),
    onError: (error) => log?.debug({ chain_id: chain.chainId, err: (error as Error).message }, 'Failed to poll the chain head'),
    onHead: (h) => {
      bumper.onHead(h)
      gasGate.mined(h.transactions)
      relayerPendingNonces.set({ chain: chain.name }, bumper.pending())
    },
  })
  const wallet = createChainWalletClient(chain, account)
  const sendLock = pLimit(1)
  const nonces = createNonceManager({ source: () => publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' }) })
  const gasGate = createGasGate(async () => (await follower.head()).gasLimit)
  // the node's suggested priority fee moves slowly: read at most once per ten blocks, and a stale one (a minute) is
  // still used while a fresh one loads
  const priorityFee = staleWhileRevalidate(() => publicClient.estimateMaxPriorityFeePerGas(), Math.max(1, chain.blockTimeMs * 10), 60_000)
  const signAndSend = async (tx: SentTransaction) => {
    if (!keyHeld()) throw new KeyNotHeldError(chain.chainId)
    let hash: Hex
    try {
      hash = await publicClient.sendRawTransaction({ serializedTransaction: await account.signTransaction(tx) })
    } catch (error) {
      throw asNonceError(error, tx.nonce)
    }
    gasGate.signed(hash, tx.nonce)
    return hash
  }
  // a transaction left unmined under a rising base fee would hold every later nonce: send it again with higher fees
  const bumper = createFeeBumper({
    follower,
    resend: signAndSend,
    priorityFee,
    minedNonce: () => publicClient.getTransactionCount({ address: account.address, blockTag: 'latest' }),
    onBump: (e) => {
      relayerFeeBumps.inc({ chain: chain.name, result: e.to ? 'sent' : e.gaveUp ? 'gave_up' : 'refused' })
      if (e.error) log?.debug({ chain_id: chain.chainId, nonce: e.nonce, tx: e.from, err: e.error }, 'Replacement transaction refused')
      else log?.warn({ chain_id: chain.chainId, nonce: e.nonce, tx: e.from, replacement: e.to, max_fee: e.maxFeePerGas.toString() }, 'Sent a stuck transaction again with higher fees')
    },
  })
  const pub = withFollowedReceipts(publicClient, bumper)

  /** Signs and sends `call` (encoded as `data`) with the next nonce; `release` gives its gas back once it is mined. */
  async function send(call: ContractCall, data: Hex, release: () => void): Promise<Hex> {
    const nonce = await nonces.get()
    const [head, maxPriorityFeePerGas] = await Promise.all([follower.head(), priorityFee()])
    // three times the base fee: still enough after nine full blocks at EIP-1559's +12.5% per block (1.125^9 ≈ 2.9);
    // only the base fee actually due is paid; a transaction the base fee outruns anyway is bumped (see bump.ts)
    const tx: SentTransaction = {
      chainId: chain.chainId,
      type: 'eip1559',
      to: call.address,
      data,
      value: call.value,
      gas: call.gas,
      nonce,
      maxFeePerGas: head.baseFeePerGas * 3n + maxPriorityFeePerGas,
      maxPriorityFeePerGas,
    }
    const hash = await signAndSend(tx)
    nonces.increment()
    gasGate.sent(tx.nonce, release)
    bumper.track(hash, tx, head.number)
    return hash
  }

  /** Sends `call` under `sendLock`, counting nonces again once after a nonce error. */
  function sendLocked(call: ContractCall, data: Hex, release: () => void): Promise<Hex> {
    return sendLock(async () => {
      try {
        return await send(call, data, release)
      } catch (error) {
        if (error instanceof KeyNotHeldError) throw error
        const nonceError = isNonceError(error)
        log?.warn({ chain_id: chain.chainId, nonce_error: nonceError, err: (error as BaseError).shortMessage ?? (error as Error).message }, 'Failed to send a transaction')
        if (!nonceError) throw error
        await nonces.resync()
        return await send(call, data, release)
      }
    })
  }

  return {
    chain,
    public: pub,
    wallet,
    sendLock,
    async sendContract(call) {
      if (!keyHeld()) throw new KeyNotHeldError(chain.chainId)
      const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never)
      const release = await gasGate.admit(call.gas)
      let hash: Hex
      try {
        hash = await sendLocked(call, data, release)
      } catch (error) {
        release()
        throw error
      }
      // its gas is back in the gate once a version of it is seen in a block (gasGate.mined), or its receipt is (or
      // it is given up after the receipt timeout)
      bumper.receipt(hash).then(release, release)
      return hash
    },
    async takeOver(timeoutMs) {
      const deadline = performance.now() + timeoutMs
      await sendLock(() => nonces.reset())
      const address = account.address
      const pending = await publicClient.getTransactionCount({ address, blockTag: 'pending' })
      for (;;) {
        if ((await publicClient.getTransactionCount({ address, blockTag: 'latest' })) >= pending) return true
        if (performance.now() >= deadline) return false
        await new Promise((r) => setTimeout(r, Math.max(20, chain.blockTimeMs / 4)))
      }
    },
    chainTime: async () => (await follower.head()).timestamp,
    headNumber: async () => (await follower.head()).number,
    batchGasCap: async () => (await follower.head()).gasLimit / 8n,
    blockTimestamp: follower.blockTimestamp,
    close: follower.stop,
  }
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
