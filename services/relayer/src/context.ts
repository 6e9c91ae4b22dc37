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
