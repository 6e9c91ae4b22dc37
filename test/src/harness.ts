import { createClient, type UnimarginClient } from '@unimargin/client'
import type { Database } from '@unimargin/db'
import type { TransportName } from '@unimargin/chains'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import { attesterFromConfig, type RunningNode, startNode } from '@unimargin/node'
import { type Attester, positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { createRelayer, type Relayer } from '@unimargin/relayer'
import pino from 'pino'
import type { Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

export type Pipeline = {
  devnet: Devnet
  database: Database
  node: RunningNode
  api: UnimarginClient
  /** stops every service (as a crash would, between two polls) and starts a fresh node on the same database */
  restartNode: () => Promise<void>
  /** signs a position report as the venue and posts it; sequence numbers are handled here */
  report: (account: Address, market: string, size: bigint, entryPrice: bigint) => Promise<void>
  stop: () => Promise<void>
}

/**
 * The whole hub on a real devnet: anvil chains mining every 200 ms, watchers, aggregator, relayer and the HTTP API
 * on `database`, all in this process, as `unimargin dev` runs them. `routes` picks the transport per destination chain
 * id (Wormhole for chains not named).
 */
export async function startPipeline(parameters: {
  database: Database
  basePort: number
  chains?: number
  routes?: Record<number, TransportName>
  /**
   * runs the relayer with these settings instead of the node's: `attester` wraps the configured attestation source
   * (e.g. to hold some VAAs back), `fallbackAfterMs` is the stall before a command is re-sent over the other transport
   */
  relayer?: { attester?: (inner: Attester) => Attester; fallbackAfterMs?: number }
}): Promise<Pipeline> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
  const devnet = await startDevnet({ chains: parameters.chains ?? 3, basePort: parameters.basePort, blockTimeSeconds: 0.2, logger, routes: parameters.routes })
  const custom = parameters.relayer
  const start = async (): Promise<RunningNode> => {
    const db = parameters.database.db
    const started = await startNode({ config: devnet.config, db, logger, apiPort: 0, aggregatorPollMs: 50, services: { relayer: !custom } })
    if (!custom) return started
    const inner = attesterFromConfig(devnet.config)
    const relayer: Relayer = createRelayer({ db, config: devnet.config, logger, attester: custom.attester?.(inner) ?? inner, fallbackAfterMs: custom.fallbackAfterMs })
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
  const domain = positionReportDomain({ name: devnet.config.venue.domainName, chainId: devnet.config.hub.chainId })
  let sequence = 0n
  return {
    devnet,
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
    async report(account, market, size, entryPrice) {
      sequence += 1n
      const r = { account, market, size, entryPrice, sequence }
      await api.reportPosition(r, await signPositionReport(reporter, r, domain))
    },
    async stop() {
      await node.stop()
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
