import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Address, getAddress, pad, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url))
const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }))

/** An RPC endpoint that accepts connections and never answers: every call hangs until the client gives up. */
let hung: Server
const sockets: Socket[] = []
let rpcUrl = ''
beforeAll(async () => {
  hung = createServer((socket) => {
    sockets.push(socket)
  })
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve))
  const { port } = hung.address() as { port: number }
  rpcUrl = `http://127.0.0.1:${port}`
})
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => hung.close(resolve))
})

describe('unimargin start on SIGTERM', () => {
  it('exits within its shutdown deadline while a watcher waits on a hung RPC, naming what did not stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-shutdown-'))
    const configFile = join(dir, 'config.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        devnet: true,
        hub: { chainId: 31337, address: addr(0x4b) },
        chains: [
          {
            name: 'hung',
            chainId: 31337,
            wormholeChainId: 2,
            rpcUrl,
            wormhole: addr(0x31337),
            vault: addr(0x31338),
            assets: [{ symbol: 'ETH', address: addr(0xe), decimals: 18, feed: addr(0xf), haircutBps: 0 }],
          },
        ],
        markets: [],
        guardians: { keys: [`0x${'22'.repeat(32)}`] },
        venue: { reporter: addr(0x7) },
        relayer: { privateKey: `0x${'11'.repeat(32)}` },
        liquidation: { receiver: addr(0xdead) },
      }),
    )
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'start', '-c', configFile, '--data-dir', join(dir, 'data'), '--api-port', '0', '--shutdown-timeout', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info' },
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    // the watcher's first call is in flight on the hung endpoint once the server has seen a connection
    const deadline = Date.now() + 60_000
    while (sockets.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(sockets.length, output).toBeGreaterThan(0)
    const signalled = Date.now()
    child.kill('SIGTERM')
    const code = await exited
    const took = Date.now() - signalled
    // the RPC client alone would wait 10 s per attempt, with retries; the node gives up after its 1 s deadline
    expect(took, output).toBeLessThan(8_000)
    expect(code, output).toBe(1)
    expect(output).toContain('Shutdown deadline passed')
    expect(output).toMatch(/"unfinished":\[[^\]]*"watchers"/)
  }, 90_000)
})
