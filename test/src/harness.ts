import { createClient, type UnimarginClient } from '@unimargin/client'
import type { Database } from '@unimargin/db'
import type { ChainConfig, TransportName } from '@unimargin/chains'
import { DEVNET_COSIGNER_THRESHOLD, type Devnet, startDevnet } from '@unimargin/devnet'
import { attesterFromConfig, type RunningNode, startLocalCoSigners, startNode } from '@unimargin/node'
import { type Attester, positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { createRelayer, type Relayer } from '@unimargin/relayer'
import pino from 'pino'
import type { Address, Hash, TransactionReceipt } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

export type Pipeline = {
  devnet: Devnet
  /** the anvils' interval mining, seconds */
  blockTimeSeconds: number
  database: Database
  node: RunningNode
  api: UnimarginClient
  /** stops every service (as a crash would, between two polls) and starts a fresh node on the same database */
  restartNode: () => Promise<void>
  /** signs a position report as the venue and posts it; sequence numbers are handled here */
  report: (account: Address, market: string, size: bigint, entryPrice: bigint) => Promise<void>
  /** base URLs of the co-signers, which take the venue's reports too (each values accounts on its own) */
  coSignerUrls: string[]
  stop: () => Promise<void>
}

/**
 * The whole hub on a real devnet: anvil chains mining every `blockTimeSeconds` (default 0.2), watchers, aggregator,
 * relayer and the HTTP API on `database`, all in this process, as `unimargin dev` runs them. `routes` picks the
 * transport per destination chain id (Wormhole for chains not named).
 */
export async function startPipeline(parameters: {
  database: Database
  basePort: number
  chains?: number
  /**
   * interval mining, seconds; default 0.2. Tests that stop mining with {@link mineTogether} need whole seconds:
   * anvil's `evm_setIntervalMining` takes only those, so a fraction could not be restored.
   */
  blockTimeSeconds?: number
  routes?: Record<number, TransportName>
  /**
   * runs the relayer with these settings instead of the node's: `attester` wraps the configured attestation source
   * (e.g. to hold some VAAs back), `fallbackAfterMs` is the stall before a command is re-sent over the other transport
   */
  relayer?: { attester?: (inner: Attester) => Attester; fallbackAfterMs?: number }
  /**
   * rewrites each chain of the node's config (watchers and relayer), e.g. to put JSON-RPC proxies in front of the
   * anvils or to set a quorum; the co-signers keep the devnet's
   */
  nodeChain?: (chain: ChainConfig, index: number) => ChainConfig | Promise<ChainConfig>
}): Promise<Pipeline> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
  const blockTimeSeconds = parameters.blockTimeSeconds ?? 0.2
  const devnet = await startDevnet({ chains: parameters.chains ?? 3, basePort: parameters.basePort, blockTimeSeconds, logger, routes: parameters.routes })
  // MarginHub publishes nothing without 2 of its 3 co-signers: each runs beside the node on its own database
  const coSigners = await startLocalCoSigners({ config: devnet.config, keys: devnet.keys.coSigners, threshold: DEVNET_COSIGNER_THRESHOLD, logger, aggregatorPollMs: 50 })
  const nodeChain = parameters.nodeChain
  const config = nodeChain ? { ...coSigners.config, chains: await Promise.all(coSigners.config.chains.map((c, i) => nodeChain(c, i))) } : coSigners.config
  const coSignerApis = coSigners.coSigners.map((c) => createClient({ baseUrl: c.url }))
  const custom = parameters.relayer
  const nodeId = `e2e-node-${parameters.basePort}`
  const start = async (): Promise<RunningNode> => {
    const db = parameters.database.db
    // one stable node id across restarts, as `unimargin start` keeps beside its data dir: a restarted relayer
    // takes back at once what the stopped one had claimed
    const started = await startNode({ config, db, logger, apiPort: 0, aggregatorPollMs: 50, services: { relayer: !custom }, nodeId })
    if (!custom) return started
    const inner = attesterFromConfig(config)
    const relayer: Relayer = createRelayer({
      db,
      config,
      logger,
      attester: custom.attester?.(inner) ?? inner,
      fallbackAfterMs: custom.fallbackAfterMs,
      id: nodeId,
    })
    relayer.start()
    return {
      ...started,
      relayer,
      async stop() {
        await relayer.stop()
        await started.stop()
      },
    }
  }
  let node = await start()
  let api = createClient({ baseUrl: node.apiUrl! })
  const reporter = privateKeyToAccount(devnet.keys.reporter)
  const domain = positionReportDomain({ name: devnet.config.venue.domainName, chainId: devnet.config.hub.chainId, verifyingContract: devnet.config.hub.address })
  let sequence = 0n
  return {
    devnet,
    blockTimeSeconds,
    database: parameters.database,
    get node() {
      return node
    },
    get api() {
      return api
    },
    async restartNode() {
      await node.stop()
      node = await start()
      api = createClient({ baseUrl: node.apiUrl! })
    },
    coSignerUrls: coSigners.coSigners.map((c) => c.url),
    async report(account, market, size, entryPrice) {
      sequence += 1n
      const r = { account, market, size, entryPrice, sequence }
      const signature = await signPositionReport(reporter, r, domain)
      await Promise.all([api, ...coSignerApis].map((to) => to.reportPosition(r, signature)))
    },
    async stop() {
      await node.stop()
      await coSigners.stop()
      await devnet.stop()
    },
  }
}

/** Polls `probe` every 100 ms until it returns a truthy value. @throws Error naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`)
}

/** A block mined by {@link mineTogether}, with the head its chain had when mining stopped. */
export type MinedTogether = { chainId: number; number: bigint; hash: Hash; timestamp: bigint; headWhenStopped: bigint }

/**
 * Puts transactions on several chains into one block per chain, all with the same timestamp: stops mining on
 * `chainIds` (`evm_setIntervalMining 0`, then `evm_setAutomine false`; anvil's automine switch alone leaves interval
 * mining running), awaits `send` (which submits the transactions and
 * returns their hashes without waiting for receipts), mines one block on each chain at the timestamp one second past
 * the latest of their heads (`evm_setNextBlockTimestamp`, `anvil_mine`), and restores interval mining every
 * `pipeline.blockTimeSeconds` (whole seconds), also when `send` throws.
 * @returns the receipts, in the order of `send`'s hashes, and the block mined on each chain, in `chainIds` order.
 * @throws {RangeError} if the pipeline's block time is not a whole number of seconds.
 */
export async function mineTogether(
  pipeline: Pipeline,
  chainIds: number[],
  send: () => Promise<{ chainId: number; hash: Hash }[]>,
): Promise<{ receipts: TransactionReceipt[]; blocks: MinedTogether[] }> {
  const interval = pipeline.blockTimeSeconds
  if (!Number.isInteger(interval)) throw new RangeError(`mineTogether restores interval mining in whole seconds; the pipeline mines every ${interval} s`)
  const chains = [...new Set(chainIds)].map((id) => pipeline.devnet.chain(id))
  let sent: { chainId: number; hash: Hash }[]
  let blocks: MinedTogether[]
  try {
    await Promise.all(chains.map((c) => c.testClient.setIntervalMining({ interval: 0 }).then(() => c.testClient.setAutomine(false))))
    const heads = await Promise.all(chains.map((c) => c.publicClient.getBlock({ blockTag: 'latest' })))
    sent = await send()
    const timestamp = heads.reduce((t, b) => (b.timestamp > t ? b.timestamp : t), 0n) + 1n
    await Promise.all(chains.map((c) => c.testClient.setNextBlockTimestamp({ timestamp })))
    await Promise.all(chains.map((c) => c.testClient.mine({ blocks: 1 })))
    const mined = await Promise.all(chains.map((c) => c.publicClient.getBlock({ blockTag: 'latest' })))
    blocks = chains.map((c, i) => ({ chainId: c.chainId, number: mined[i]!.number, hash: mined[i]!.hash, timestamp: mined[i]!.timestamp, headWhenStopped: heads[i]!.number }))
  } finally {
    await Promise.all(chains.map((c) => c.testClient.setIntervalMining({ interval })))
  }
  const receipts = await Promise.all(sent.map((s) => pipeline.devnet.chain(s.chainId).publicClient.waitForTransactionReceipt({ hash: s.hash, pollingInterval: 20 })))
  return { receipts, blocks }
}
