import { type ChainConfig, fetchWithCappedRetryAfter, instrumentedFetch, providerLabel, rpcUrlsOf, toViemChain } from '@unimargin/chains'
import { createHash } from 'node:crypto'
import { type Address, createPublicClient, http, type Log, type PublicClient } from 'viem'
import { type QuorumAnswer, QuorumDisagreementError, QuorumSplitError, QuorumUnavailableError } from './errors.js'
import { responseTooLarge } from './logRange.js'

/** One provider's answer for a range, agreed by at least the quorum. */
export type AgreedRange = {
  logs: Log[]
  toBlock: { hash: `0x${string}`; timestamp: bigint }
  /** a provider of the agreeing group, to read the blocks of the logs from */
  client: PublicClient
}

export type QuorumReader = {
  /**
   * Reads the logs of `addresses` in `[fromBlock, toBlock]` and the block at `toBlock` from every provider, and
   * returns what at least `quorum` of them answered identically (same end block hash, same logs by block hash, index,
   * transaction, address, topics and data).
   * @throws {QuorumUnavailableError} when fewer than `quorum` providers answered (retry later)
   * @throws viem's `ResponseBodyTooLargeError` when fewer than `quorum` answered and one answer was over the size limit
   * @throws {QuorumDisagreementError} when `quorum` providers serve the same end block but no `quorum` agree on its logs (halt the chain)
   * @throws {QuorumSplitError} when the answers come from different branches, none served by `quorum` (retried)
   */
  read: (addresses: Address[], fromBlock: bigint, toBlock: bigint) => Promise<AgreedRange>
}

/** A provider's name for logs and errors: its origin, never its path or query (where API keys live). */
export function providerName(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'provider'
  }
}

/**
 * Quorum reads over the chain's providers (`rpcUrl` and `fallbackRpcUrls`, each its own client with the usual
 * retries), so one provider (a poisoned node, a DNS hijack, a failover to a bad endpoint) cannot make the watcher
 * credit a forged deposit or miss a real one: a range is written only once `quorum` providers agree on it.
 * @throws {Error} if the chain has fewer providers than `quorum`
 */
export function createQuorumReader(chain: ChainConfig, quorum: number): QuorumReader {
  const urls = rpcUrlsOf(chain)
  if (quorum > urls.length) throw new Error(`Chain ${chain.chainId} needs ${quorum} providers for its quorum but has ${urls.length}.`)
  const viemChain = toViemChain(chain)
  const providers = urls.map((url, i) => ({
    name: providerName(url),
    client: createPublicClient({
      chain: viemChain,
      transport: http(url, {
        retryCount: 2,
        retryDelay: 100,
        timeout: 10_000,
        fetchFn: instrumentedFetch({ chain: chain.name, provider: providerLabel(i) }, fetchWithCappedRetryAfter()),
      }),
    }) as PublicClient,
  }))

  async function read(addresses: Address[], fromBlock: bigint, toBlock: bigint): Promise<AgreedRange> {
    const settled = await Promise.allSettled(
      providers.map(async (p) => {
        // the end block before the logs, as the watcher does without a quorum (a reorg in between shows at the next poll)
        const block = await p.client.getBlock({ blockNumber: toBlock })
        const logs = await p.client.getLogs({ address: addresses, fromBlock, toBlock })
        return { provider: p, logs, block }
      }),
    )
    const groups = new Map<string, { answers: { provider: (typeof providers)[number]; logs: Log[]; block: { hash: `0x${string}`; timestamp: bigint } }[] }>()
    const errors: string[] = []
    settled.forEach((s, i) => {
      if (s.status === 'rejected') {
        errors.push(`${providers[i]!.name}: ${(s.reason as Error).message.split('\n')[0]}`)
        return
      }
      const key = fingerprint(s.value.block.hash, s.value.logs)
      const group = groups.get(key) ?? { answers: [] }
      group.answers.push(s.value)
      groups.set(key, group)
    })
    const answered = settled.length - errors.length
    for (const { answers } of groups.values())
      if (answers.length >= quorum) {
        const first = answers[0]!
        return { logs: first.logs, toBlock: { hash: first.block.hash, timestamp: first.block.timestamp }, client: first.provider.client }
      }
    if (answered < quorum) {
      // an answer over the size limit needs a smaller range, not a retry of this one: the watcher fits the range to it
      const tooLarge = settled.find((s) => s.status === 'rejected' && responseTooLarge(s.reason))
      if (tooLarge) throw (tooLarge as PromiseRejectedResult).reason
      throw new QuorumUnavailableError(chain.chainId, answered, quorum, errors)
    }
    const answers: QuorumAnswer[] = [...groups.values()].map(({ answers: a }) => ({
      providers: a.map((x) => x.provider.name),
      toBlockHash: a[0]!.block.hash,
      logCount: a[0]!.logs.length,
    }))
    // a branch `quorum` providers serve, whose logs they disagree on, is a lie; answers from different branches
    // without a quorum on any are a reorg still reaching the providers
    const perBranch = new Map<string, number>()
    for (const a of answers) perBranch.set(a.toBlockHash, (perBranch.get(a.toBlockHash) ?? 0) + a.providers.length)
    if ([...perBranch.values()].every((n) => n < quorum)) throw new QuorumSplitError(chain.chainId, fromBlock, toBlock, quorum, answers)
    throw new QuorumDisagreementError(chain.chainId, fromBlock, toBlock, quorum, answers)
  }

  return { read }
}

/** What two providers must agree on: the end block's hash and every log's identity and content, in chain order. */
function fingerprint(toBlockHash: string, logs: Log[]): string {
  const ordered = [...logs].sort((a, b) => Number((a.blockNumber ?? 0n) - (b.blockNumber ?? 0n)) || (a.logIndex ?? 0) - (b.logIndex ?? 0))
  // SHA-256 (node:crypto) of the canonical JSON: an equality check, hashed natively because a range may hold 100k logs
  const hash = createHash('sha256').update(toBlockHash)
  for (const l of ordered) hash.update(JSON.stringify([l.blockHash, l.logIndex, l.transactionHash, l.address.toLowerCase(), l.topics, l.data]))
  return hash.digest('hex')
}
