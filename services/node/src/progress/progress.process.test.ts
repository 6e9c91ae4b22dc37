import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Address, getAddress, pad, toHex } from 'viem'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url))
const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }))
/** Nothing listens here: the watcher's polls fail, the node and its progress keep running. */
const CLOSED_RPC_PORT = 46401

describe('unimargin start off a terminal', () => {
  it('logs one Progress entry per interval with each chain and the outbox by state, and none with --no-progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-progress-'))
    const configFile = join(dir, 'config.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        devnet: true,
        hub: { chainId: 31337, address: addr(0x4b) },
        chains: [
          {
            name: 'offline',
            chainId: 31337,
            wormholeChainId: 2,
            rpcUrl: `http://127.0.0.1:${CLOSED_RPC_PORT}`,
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
    /** Runs the node (stdout a pipe) until it has logged `entries` lines after start, or for `ms`; returns its JSON lines. */
    const run = async (extra: string[], until: (lines: Array<Record<string, unknown>>) => boolean, ms: number) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', bin, 'start', '-c', configFile, '--data-dir', join(dir, `data${extra.length}`), '--services', 'watcher,aggregator', '--shutdown-timeout', '2', ...extra],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
      )
      let output = ''
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString()
      })
      child.stderr.on('data', (d: Buffer) => {
        output += d.toString()
      })
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const lines = () =>
        output
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      const deadline = Date.now() + ms
      while (Date.now() < deadline && !until(lines())) await new Promise((r) => setTimeout(r, 200))
      child.kill('SIGTERM')
      await exited
      return { lines: lines(), output }
    }
    try {
      const started = (lines: Array<Record<string, unknown>>) => lines.some((l) => l.msg === 'Started node')
      const progress = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.msg === 'Progress')
      const withProgress = await run(['--progress-interval', '1'], (lines) => progress(lines).length >= 3, 90_000)
      const entries = progress(withProgress.lines)
      expect(entries.length, withProgress.output).toBeGreaterThanOrEqual(3)
      expect(entries[0]).toMatchObject({
        level: 30,
        chains: { offline: { head: null, checkpoint: null, synced_pct: null, unprocessed: 0 } },
        outbox: { pending: 0, published: 0, attested: 0, delivered: 0, executed: 0, failed: 0, dead: 0, cancelled: 0 },
      })
      // one per interval: consecutive entries about a second apart, not a burst
      const times = entries.map((e) => e.time as number)
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900)

      // three intervals after the node started, still no entry
      let startedAt: number | undefined
      const without = await run(
        ['--progress-interval', '1', '--no-progress'],
        (lines) => {
          if (startedAt === undefined && started(lines)) startedAt = Date.now()
          return startedAt !== undefined && Date.now() - startedAt > 3_000
        },
        90_000,
      )
      expect(started(without.lines), without.output).toBe(true)
      expect(progress(without.lines)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 200_000)
})
