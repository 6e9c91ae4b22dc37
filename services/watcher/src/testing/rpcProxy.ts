import { createServer, type Server } from 'node:http'

/**
 * Rewrites one JSON-RPC result on its way back to the client (possibly after acting on the node); return it unchanged
 * to pass it through, throw to answer HTTP 502.
 */
export type RewriteResult = (method: string, params: unknown[], result: unknown) => unknown

export type RpcProxy = { url: string; close: () => Promise<void> }

/**
 * A JSON-RPC proxy in front of a real node (an anvil of the devnet) that can rewrite results: a provider that lies.
 * Requests are forwarded as they are (single or batched); each result passes through `rewrite`.
 */
export async function startRpcProxy(upstream: string, rewrite: RewriteResult = (_m, _p, r) => r): Promise<RpcProxy> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString()
    try {
      const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      const parsed = (await answer.json()) as unknown
      const request = JSON.parse(body) as unknown
      const one = async (q: { method: string; params?: unknown[] }, r: { result?: unknown }) =>
        'result' in r ? { ...r, result: await rewrite(q.method, q.params ?? [], r.result) } : r
      const out = Array.isArray(parsed)
        ? await Promise.all(parsed.map((r, i) => one((request as { method: string; params?: unknown[] }[])[i]!, r as { result?: unknown })))
        : await one(request as { method: string; params?: unknown[] }, parsed as { result?: unknown })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(out))
    } catch (error) {
      res.writeHead(502)
      res.end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
