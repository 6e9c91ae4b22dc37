import { type ChainConfig, type Config, createChainPublicClient, createChainWalletClient, getChain } from '@unimargin/chains'
import { MarginVault } from '@unimargin/contracts'
import type { Db } from '@unimargin/db'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import type { Account, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { PermanentDeliveryError } from './errors.js'
import { countReceiptWait } from './timing.js'

/** viem clients of one configured chain, with a lock that sends one transaction at a time (nonces in order). */
export type ChainClients = {
  chain: ChainConfig
  public: ReturnType<typeof createChainPublicClient>
  wallet: ReturnType<typeof createChainWalletClient>
  sendLock: ReturnType<typeof pLimit>
}

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
}

export type ExecutionEvent = { transactionHash: Hex; blockNumber: bigint; outcome: number }

/** Builds the shared context: one public and one wallet client per configured chain. */
export function createRelayerContext(params: { db: Db; config: Config; log: Logger }): RelayerContext {
  const { db, config, log } = params
  const account = privateKeyToAccount(config.relayer.privateKey)
  const hubChain = getChain(config, config.hub.chainId)
  const clients = new Map(
    config.chains.map((chain) => [
      chain.chainId,
      { chain, public: withCountedReceiptWaits(createChainPublicClient(chain)), wallet: createChainWalletClient(chain, account), sendLock: pLimit(1) },
    ]),
  )
  const clientsOf = (chainId: number) => {
    const c = clients.get(chainId)
    if (!c) throw new PermanentDeliveryError(`No chain ${chainId} in the configuration.`)
    return c
  }
  return {
    db,
    config,
    log,
    account,
    hubChain,
    hub: clientsOf(hubChain.chainId),
    clientsOf,
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

/** `client` whose `waitForTransactionReceipt` counts its wait against the running step (see timing.ts). */
function withCountedReceiptWaits<C extends ReturnType<typeof createChainPublicClient>>(client: C): C {
  const wait = client.waitForTransactionReceipt
  return { ...client, waitForTransactionReceipt: ((args: Parameters<typeof wait>[0]) => countReceiptWait(wait(args))) as typeof wait }
}

/**
 * Refuses to publish a command its destination vault would refuse as expired: the vault checks `expiry` against its
 * own chain's block time, so this reads the destination chain's latest block (the hub's may lag when it mines
 * rarely). Saves the publish and attestation of a command that can only be dead-lettered.
 * @throws {PermanentDeliveryError} when the destination chain's time is past the command's expiry.
 */
export async function assertNotExpiredBeforePublish(ctx: RelayerContext, command: { destChainId: number; expiry: bigint }): Promise<void> {
  const destTime = (await ctx.clientsOf(command.destChainId).public.getBlock({ blockTag: 'latest' })).timestamp
  if (destTime > command.expiry)
    throw new PermanentDeliveryError(`expired at ${command.expiry} before it was published (destination chain time ${destTime})`)
}
