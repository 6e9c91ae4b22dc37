import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createDatabase } from '@unimargin/db'
import { userDeposit } from '@unimargin/devnet'
import type { Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Pipeline, startPipeline, waitFor } from './harness.js'

const BASE_PORT = 46300
const clientDir = fileURLToPath(new URL('../../packages/client/', import.meta.url))
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))

/** Runs an SDK example as a user would (tsx, from the SDK's folder); resolves with its exit code and output. */
function runExample(file: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(tsx, [`examples/${file}`, ...args], { cwd: clientDir, env: { ...process.env, ...env }, timeout: 45_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('the SDK examples against a node on the devnet', () => {
  let p: Pipeline
  let alice: `0x${string}`
  beforeAll(async () => {
    p = await startPipeline({ database: await createDatabase(), basePort: BASE_PORT, chains: 1 })
    const key = p.devnet.keys.users[1]! as Hex
    alice = privateKeyToAddress(key)
    await userDeposit(p.devnet, { chainId: p.devnet.chains[0]!.chainId, key, symbol: 'USDC', amount: 10_000n * 10n ** 6n })
    await waitFor('the deposit to be credited', async () => (await p.api.getAccount(alice)).collateral.length > 0)
  })
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })

  it('reportPosition.ts signs a report the node accepts, and reports a replayed sequence as refused', async () => {
    const market = await waitFor('a mark price', async () => (await p.api.getMarkets()).find((m) => m.instrument.kind === 'perp' && m.markPriceUsd !== null))
    const env = { UNIMARGIN_API_URL: p.node.apiUrl!, REPORTER_KEY: p.devnet.keys.reporter, UNIMARGIN_DOMAIN_NAME: p.devnet.config.venue.domainName }
    const args = [alice, market.symbol, '0.5', market.markPriceUsd!, '1']
    const accepted = await runExample('reportPosition.ts', args, env)
    expect(accepted).toMatchObject({ code: 0, stdout: `accepted: ${market.symbol} for ${alice}, sequence 1\n` })
    expect((await p.api.getAccount(alice)).positions).toEqual([expect.objectContaining({ market: market.symbol, size: String(5n * 10n ** 17n) })])
    const replayed = await runExample('reportPosition.ts', args, env)
    expect(replayed.code).toBe(1)
    expect(replayed.stderr).toContain('refused: 409 stale_sequence (report.sequence)')
  })

  it("accountHealth.ts prints the account's health, then its stream's first event", async () => {
    const positions = (await p.api.getAccount(alice)).positions.length
    const run = await runExample('accountHealth.ts', [alice, '--events', '1'], { UNIMARGIN_API_URL: p.node.apiUrl! })
    // the figures may move between two reads: they are checked for their form, the positions for their number
    expect(run.stdout.split('\n')[0]).toMatch(
      new RegExp(`^now: health (-?\\d+\\.\\d{2}%|n/a \\(no positions\\)), equity \\$-?\\d+\\.\\d{2}, free collateral \\$-?\\d+\\.\\d{2}, ${positions} position\\(s\\)$`),
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/\nsnapshot #\S+: health /)
  })
})
