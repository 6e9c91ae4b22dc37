import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { MarginVault } from '@unimargin/contracts'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator'
import { type Address, encodeAbiParameters, encodeEventTopics, type Hex, keccak256, numberToHex, toHex } from 'viem'

/**
 * Faults any provider may inject, as the probability (0..1) that one HTTP request gets it. They are transient: the
 * caller's retries must ride them out.
 */
export type TransientFaults = {
  /** a JSON-RPC error (-32603, internal error) instead of the node's answer */
  error: number
  /** the connection is closed without an answer */
  reset: number
  /** HTTP 429 with `Retry-After: 1` */
  rateLimit: number
  /** the node's answer cut in the middle of its JSON */
  cutBody: number
  /** no answer until the client's 10 s timeout has passed, then the connection is closed */
  hang: number
}

/**
 * What a lying provider does to the answers it gives (probabilities per `eth_getLogs`, `lagBlocks` always): what a
 * quorum of honest providers must outvote.
 */
export type LiarFaults = {
  /** adds a forged `Deposited` log (or inflates a real one) to an `eth_getLogs` answer */
  forge: number
  /** drops the last logs of an `eth_getLogs` answer */
  truncate: number
  /** answers `eth_getLogs` with no logs */
  empty: number
  /** the head this provider reports is this many blocks behind the node's; later blocks and their logs are missing */
  lagBlocks: number
}

/** What happens to the transactions sent through the provider (`eth_sendRawTransaction`), probabilities per send. */
export type SendFaults = {
  /** the transaction hash is answered but the transaction never reaches the node (a dropped transaction) */
  drop: number
  /** the transaction reaches the node only after the next one sent (or up to 2 s later): reordered */
  hold: number
}

export type FaultPlan = { transient: TransientFaults; liar?: LiarFaults; sends?: SendFaults }

export type FaultProxy = {
  url: string
  /** how many faults of each kind were injected so far */
  injected: Record<string, number>
  /** stops injecting faults from now on and forwards the transactions still held back */
  heal: () => Promise<void>
  close: () => Promise<void>
}

export type StartFaultProxyParameters = {
  /** the node's JSON-RPC URL */
  upstream: string
  /** 127.0.0.1 port to listen on */
  port: number
  /** decides every fault: the same generator state and the same requests give the same faults */
  rng: RandomGenerator
  plan: FaultPlan
  /** the vault and an asset to forge `Deposited` logs of */
  forge: { vault: Address; asset: Address }
}

type RpcRequest = { jsonrpc: '2.0'; id: number | string; method: string; params?: unknown[] }
type RpcLog = { address: Address; topics: Hex[]; data: Hex; blockNumber: Hex; blockHash: Hex; transactionHash: Hex; logIndex: Hex; transactionIndex: Hex; removed: boolean }

const DEPOSITED = MarginVault.abi.find((x) => x.type === 'event' && x.name === 'Deposited')!
/** the timeout of the chains' HTTP transport (packages/chains clients.ts), plus a margin */
const HANG_MS = 11_000

/**
 * A JSON-RPC proxy in front of one anvil that injects faults by a seeded generator: transient errors, resets,
 * 429s, cut answers and hangs; as a liar, forged, truncated or empty `eth_getLogs` answers and a lagging head; for
 * sends, dropped and reordered transactions. Requests are forwarded as they are otherwise (single or batched).
 */
export async function startFaultProxy(parameters: StartFaultProxyParameters): Promise<FaultProxy> {
  const { upstream, rng, plan } = parameters
  const injected: Record<string, number> = {}
  let healed = false
  const held: Hex[] = []
  const timers = new Set<NodeJS.Timeout>()
  const chance = (p: number) => p > 0 && uniformFloat64(rng) < p
  const count = (kind: string) => {
    injected[kind] = (injected[kind] ?? 0) + 1
  }

  const call = async (body: unknown): Promise<unknown> => {
    const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return answer.json()
  }
  const send = async (raw: Hex) => {
    await call({ jsonrpc: '2.0', id: 0, method: 'eth_sendRawTransaction', params: [raw] }).catch(() => undefined)
  }
  const flushHeld = async () => {
    for (const raw of held.splice(0)) await send(raw)
  }
  const head = async () => BigInt(((await call({ jsonrpc: '2.0', id: 0, method: 'eth_blockNumber', params: [] })) as { result: Hex }).result)

  /** The answer to one request, with the liar's and the send faults applied (the transient ones are per HTTP request). */
  async function answer(request: RpcRequest): Promise<unknown> {
    const params = request.params ?? []
    if (!healed && request.method === 'eth_sendRawTransaction' && plan.sends) {
      const raw = params[0] as Hex
      if (chance(plan.sends.drop)) {
        count('dropSend')
        return { jsonrpc: '2.0', id: request.id, result: keccak256(raw) }
      }
      if (chance(plan.sends.hold)) {
        count('holdSend')
        held.push(raw)
        const timer = setTimeout(() => {
          timers.delete(timer)
          void flushHeld()
        }, uniformInt(rng, 200, 2_000))
        timers.add(timer)
        return { jsonrpc: '2.0', id: request.id, result: keccak256(raw) }
      }
      const forwarded = await call(request)
      await flushHeld()
      return forwarded
    }
    const liar = healed ? undefined : plan.liar
    if (!liar) return call(request)
    const lagged = liar.lagBlocks > 0 ? (await head()) - BigInt(liar.lagBlocks) : undefined
    if (lagged !== undefined && request.method === 'eth_blockNumber') return { jsonrpc: '2.0', id: request.id, result: numberToHex(lagged) }
    if (lagged !== undefined && request.method === 'eth_getBlockByNumber') {
      const tag = params[0] as string
      const number = tag === 'latest' || tag === 'safe' || tag === 'finalized' || tag === 'pending' ? lagged : tag.startsWith('0x') ? BigInt(tag) : undefined
      if (number !== undefined && number > lagged) return { jsonrpc: '2.0', id: request.id, result: null }
      if (number !== undefined) return call({ ...request, params: [numberToHex(number), ...params.slice(1)] })
    }
    const forwarded = (await call(request)) as { result?: unknown }
    if (request.method !== 'eth_getLogs' || !Array.isArray(forwarded.result)) return forwarded
    let logs = forwarded.result as RpcLog[]
    if (lagged !== undefined) logs = logs.filter((l) => BigInt(l.blockNumber) <= lagged)
    if (chance(liar.empty)) {
      count('emptyLogs')
      logs = []
    } else if (logs.length > 0 && chance(liar.truncate)) {
      count('truncateLogs')
      logs = logs.slice(0, uniformInt(rng, 0, logs.length - 1))
    }
    if (chance(liar.forge)) {
      count('forgeLog')
      logs = [...logs, forged(logs, params[0] as { fromBlock?: Hex; toBlock?: Hex })]
    }
    return { ...forwarded, result: logs }
  }

  /** A `Deposited` of 10^30 base units to a random account: a copy of a real log's place, or a block of the range. */
  function forged(logs: RpcLog[], filter: { fromBlock?: Hex; toBlock?: Hex }): RpcLog {
    const account = toHex(uniformInt(rng, 1, 2 ** 31 - 1), { size: 20 })
    const topics = encodeEventTopics({ abi: [DEPOSITED], eventName: 'Deposited', args: { account, asset: parameters.forge.asset } }) as Hex[]
    const data = encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }], [10n ** 30n, account])
    const template = logs.length > 0 ? logs[uniformInt(rng, 0, logs.length - 1)]! : undefined
    if (template && uniformFloat64(rng) < 0.5) return { ...template, data: encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }], [10n ** 30n, account]) }
    const blockNumber = template?.blockNumber ?? filter.toBlock ?? filter.fromBlock ?? '0x1'
    return {
      address: parameters.forge.vault,
      topics,
      data,
      blockNumber,
      blockHash: template?.blockHash ?? keccak256(toHex(`forged block ${blockNumber}`)),
      transactionHash: keccak256(toHex(`forged ${uniformInt(rng, 0, 2 ** 31 - 1)}`)),
      transactionIndex: '0x0',
      logIndex: numberToHex(1_000 + uniformInt(rng, 0, 1_000)),
      removed: false,
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    let request: RpcRequest | RpcRequest[]
    try {
      request = JSON.parse(Buffer.concat(chunks).toString()) as RpcRequest | RpcRequest[]
    } catch {
      res.writeHead(400).end('not JSON')
      return
    }
    const t = plan.transient
    if (!healed) {
      if (chance(t.hang)) {
        count('hang')
        await new Promise((r) => setTimeout(r, HANG_MS))
        req.socket.destroy()
        return
      }
      if (chance(t.reset)) {
        count('reset')
        req.socket.destroy()
        return
      }
      if (chance(t.rateLimit)) {
        count('rateLimit')
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('rate limited')
        return
      }
      if (chance(t.error)) {
        count('error')
        const error = (r: RpcRequest) => ({ jsonrpc: '2.0', id: r.id, error: { code: -32603, message: 'injected internal error' } })
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(request) ? request.map(error) : error(request)))
        return
      }
    }
    const cut = !healed && chance(t.cutBody)
    const out = Array.isArray(request) ? await Promise.all(request.map(answer)) : await answer(request)
    const text = JSON.stringify(out)
    if (cut) count('cutBody')
    res.writeHead(200, { 'content-type': 'application/json' }).end(cut ? text.slice(0, Math.floor(text.length / 2)) : text)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(parameters.port, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${parameters.port}`,
    injected,
    async heal() {
      healed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await flushHeld()
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
