import { MarginHub, MarginVault } from '@unimargin/contracts'
import type { Devnet } from '@unimargin/devnet'
import { type Address, parseEventLogs } from 'viem'
import type { KillMode } from './plan.js'

/** The moments an aimed kill waits for. */
export type AimedMode = Extract<KillMode, 'sent' | 'published' | 'executed'>

const POLL_MS = 50

/**
 * Resolves `true` as soon as the moment `mode` names happens on the devnet, or `false` once `timeoutMs` passed (or
 * `stop()` returned true) without it:
 * - `sent`: a transaction from `relayer` waits in a chain's mempool (sent, not yet mined);
 * - `published`: MarginHub emitted `CommandPublished` or `CommandSentLz` in a block after the ones seen when called;
 * - `executed`: a vault emitted `CommandExecuted` in a block after the ones seen when called.
 */
export async function waitForMoment(devnet: Devnet, mode: AimedMode, relayer: Address, timeoutMs: number, stop: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  const from = await Promise.all(devnet.chains.map(async (c) => (await c.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n))
  const hub = devnet.chains.find((c) => c.isHub)!
  const hubIndex = devnet.chains.indexOf(hub)
  const seen = async (): Promise<boolean> => {
    if (mode === 'sent') {
      const pools = await Promise.all(devnet.chains.map((c) => c.testClient.getTxpoolContent()))
      return pools.some((p) => Object.keys(p.pending).some((a) => a.toLowerCase() === relayer.toLowerCase()))
    }
    if (mode === 'published') {
      const logs = await hub.publicClient.getLogs({ address: devnet.hub.address, fromBlock: from[hubIndex]!, toBlock: 'latest' })
      return parseEventLogs({ abi: MarginHub.abi, logs }).some((l) => l.eventName === 'CommandPublished' || l.eventName === 'CommandSentLz')
    }
    const found = await Promise.all(
      devnet.chains.map(async (c, i) => {
        const logs = await c.publicClient.getLogs({ address: c.addresses.vault, fromBlock: from[i]!, toBlock: 'latest' })
        return parseEventLogs({ abi: MarginVault.abi, logs, eventName: 'CommandExecuted' }).length > 0
      }),
    )
    return found.some(Boolean)
  }
  while (Date.now() < deadline && !stop()) {
    if (await seen().catch(() => false)) return true
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return false
}
