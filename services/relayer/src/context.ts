import { type ChainConfig, type Config, getChain } from '@unimargin/chains'
import { MarginHub, MarginVault } from '@unimargin/contracts'
import type { Db } from '@unimargin/db'
import type { Logger } from 'pino'
import type { Account, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { PermanentDeliveryError, StepFailedError } from './errors.js'
import { createHubThreshold } from './hubThreshold.js'
import { publishableSignatures } from './outbox.js'
import { type ChainClients, chainClients } from './send/chainClients.js'

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
  /**
   * Prepares every chain's send path after another node sent from the key (see {@link ChainClients.takeOver}).
   * @returns the chain ids whose pending transactions were not all mined within `timeoutMs`.
   */
  takeOver(timeoutMs: number): Promise<number[]>
  /** stops every chain's background head poll */
  close(): void
}

export type ExecutionEvent = { transactionHash: Hex; blockNumber: bigint; outcome: number }

/**
 * Builds the shared context: one public and one wallet client per configured chain, sending only while `keyHeld`
 * (the relayer key's lease; default always); with `coSigned`, the hub's co-signature threshold read from MarginHub
 * ({@link createHubThreshold}, the config's `coSigners.threshold` only as a fallback while the hub cannot be read).
 */
export function createRelayerContext(params: { db: Db; config: Config; log: Logger; coSigned: boolean; keyHeld?: () => boolean }): RelayerContext {
  const { db, config, log, keyHeld } = params
  const account = privateKeyToAccount(config.relayer.privateKey)
  const hubChain = getChain(config, config.hub.chainId)
  const clients = new Map(config.chains.map((chain) => [chain.chainId, chainClients(chain, account, { log, keyHeld })]))
  // a chain that joins the config later (a vault registered in the VaultRegistry) gets its clients on first use
  const clientsOf = (chainId: number) => {
    let c = clients.get(chainId)
    if (!c) {
      const chain = config.chains.find((x) => x.chainId === chainId)
      if (!chain) throw new PermanentDeliveryError(`No chain ${chainId} in the configuration.`)
      c = chainClients(chain, account, { log, keyHeld })
      clients.set(chainId, c)
    }
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
    async takeOver(timeoutMs) {
      const settled = await Promise.all([...clients.values()].map(async (c) => ((await c.takeOver(timeoutMs)) ? undefined : c.chain.chainId)))
      return settled.filter((id): id is number => id !== undefined)
    },
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
  if (!signatures.has(command.id)) throw new StepFailedError(`Command ${command.id} holds fewer co-signatures than MarginHub's threshold.`)
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
