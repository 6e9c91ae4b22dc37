import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApi } from '@unimargin/aggregator'
import { ConfigError, defineConfig, loadConfigFile } from '@unimargin/chains'
import { createDatabase } from '@unimargin/db'
import { startDevnet } from '@unimargin/devnet'
import { describe, expect, it } from 'vitest'
import { encryptKeystoreJsonSync } from 'ethers'
import { privateKeyToAddress } from 'viem/accounts'
import { parse } from 'yaml'
import { createNodeRegistry } from './runtime/metrics.js'

const examples = new URL('../../../examples/', import.meta.url)
const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
const asset = { symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }

/** Every series name a hub node with a relayer serves at /metrics (histograms with their `_bucket`/`_sum`/`_count`). */
async function servedSeries(): Promise<Set<string>> {
  const config = defineConfig({
    hub: { chainId: 31337, address: A(5) },
    chains: [{ name: 'hub', chainId: 31337, wormholeChainId: 2, rpcUrl: 'http://127.0.0.1:1', wormhole: A(1), vault: A(2), assets: [asset] }],
    markets: [],
    guardians: {},
    venue: { reporter: A(6) },
    relayer: { privateKey: `0x${'11'.repeat(32)}` },
    liquidation: { receiver: A(7) },
  })
  const database = await createDatabase()
  try {
    const registry = createNodeRegistry({ config, watchers: true, relayer: true })
    createApi({ db: database.db, config, registry })
    const names = new Set<string>()
    for (const metric of registry.getMetricsAsArray()) {
      names.add(metric.name)
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`)
    }
    return names
  } finally {
    await database.close()
  }
}

/** The metric names a PromQL expression reads (`unimargin_…`, `process_…`, `nodejs_…`). */
const seriesIn = (expr: string) => [...expr.matchAll(/\b(?:unimargin|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0])

describe('the committed monitoring examples', () => {
  it('alert only on series a node serves, each rule with a severity and a summary', async () => {
    const served = await servedSeries()
    const rules = (parse(readFileSync(new URL('prometheus/alerts.yml', examples), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string; labels?: { severity?: string }; annotations?: { summary?: unknown } }> }> }).groups.flatMap((g) => g.rules)
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['UnimarginChainHalted', 'UnimarginChainLagging', 'UnimarginRouteSlowerThanBuffers', 'UnimarginCommandDeadLettered', 'UnimarginRelayerBalanceLow']),
    )
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity)
      expect(typeof rule.annotations?.summary, rule.alert).toBe('string')
      const read = seriesIn(rule.expr)
      expect(read.length, rule.alert).toBeGreaterThan(0)
      for (const name of read) expect(served.has(name), `${rule.alert} reads ${name}`).toBe(true)
    }
  })

  it('chart only series a node serves on the Grafana dashboard', async () => {
    const served = await servedSeries()
    const dashboard = JSON.parse(readFileSync(new URL('grafana/unimargin-node.json', examples), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> }
    expect(dashboard.panels.length).toBeGreaterThan(10)
    for (const panel of dashboard.panels)
      for (const target of panel.targets) for (const name of seriesIn(target.expr)) expect(served.has(name), `${panel.title} reads ${name}`).toBe(true)
  })
})

describe('examples/production.config.ts', () => {
  it('loads with the secrets of .env.example filled in and the relayer key in a keystore beside it, and names what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-example-'))
    const saved = { ...process.env }
    try {
      copyFileSync(new URL('production.config.ts', examples), join(dir, 'unimargin.config.ts'))
      const key = `0x${'42'.repeat(32)}` as const
      mkdirSync(join(dir, 'keys'))
      writeFileSync(join(dir, 'keys/relayer.json'), encryptKeystoreJsonSync({ address: privateKeyToAddress(key), privateKey: key }, 'passphrase', { scrypt: { N: 1024 } }))
      const variables = readFileSync(new URL('.env.example', examples), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z0-9_]+=/.test(l))
        .map((l) => l.slice(0, l.indexOf('=')))
      expect((await loadConfigFile(join(dir, 'unimargin.config.ts')).catch((e: ConfigError) => e)) as ConfigError).toBeInstanceOf(ConfigError)
      for (const name of variables) process.env[name] = name.endsWith('PASSPHRASE') ? 'passphrase' : name === 'DATABASE_URL' ? 'postgres://x@127.0.0.1/x' : `https://${name.toLowerCase()}.example.org/key`
      const config = await loadConfigFile(join(dir, 'unimargin.config.ts'))
      expect(config.devnet).toBe(false)
      expect(config.relayer.privateKey).toBe(key)
      expect(config.chains.map((c) => [c.name, c.rpcUrl])).toEqual([
        ['ethereum', 'https://ethereum_rpc_url.example.org/key'],
        ['arbitrum', 'https://arbitrum_rpc_url.example.org/key'],
      ])
      expect(config.chains[0]!.quorum).toBe(2)
    } finally {
      process.env = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('examples/devnet.config.ts', () => {
  it('loads on the devnet.json of a running devnet, taking its addresses, keys and RPC URLs, and names the file when it is missing', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unimargin-example-'))
    const saved = process.env.UNIMARGIN_DEVNET_JSON
    const devnet = await startDevnet({ chains: 3, basePort: 46430, routes: { 31339: 'layerzero' } })
    try {
      const generated = { ...devnet.config, coSigners: { urls: ['http://127.0.0.1:46440', 'http://127.0.0.1:46441', 'http://127.0.0.1:46442'], threshold: 2, timeoutMs: 10_000 } }
      // as `unimargin devnet up` writes it (devnet/up.ts)
      writeFileSync(join(dir, 'devnet.json'), JSON.stringify(generated, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
      process.env.UNIMARGIN_DEVNET_JSON = join(dir, 'missing.json')
      const missing = (await loadConfigFile(fileURLToPath(new URL('devnet.config.ts', examples))).catch((e: ConfigError) => e)) as ConfigError
      expect(missing).toBeInstanceOf(ConfigError)
      expect(missing.message).toContain('missing.json')
      process.env.UNIMARGIN_DEVNET_JSON = join(dir, 'devnet.json')
      const config = await loadConfigFile(fileURLToPath(new URL('devnet.config.ts', examples)))
      expect(config.devnet).toBe(true)
      expect(config.hub).toEqual(devnet.config.hub)
      expect(config.chains.map((c) => [c.name, c.rpcUrl, c.vault, c.startBlock])).toEqual(devnet.config.chains.map((c) => [c.name, c.rpcUrl, c.vault, c.startBlock]))
      expect(config.chains.map((c) => c.assets)).toEqual(devnet.config.chains.map((c) => c.assets))
      expect(config.chains[2]!.layerzero).toEqual(devnet.config.chains[2]!.layerzero)
      expect(config.routes).toEqual([{ chainId: 31339, transport: 'layerzero' }])
      expect(config.relayer.privateKey).toBe(devnet.config.relayer.privateKey)
      expect(config.guardians.keys).toEqual(devnet.config.guardians.keys)
      expect(config.coSigners).toEqual(generated.coSigners)
      expect(config.node?.id).toBe('devnet-hub')
      expect(config.liquidation.insuranceFundUsd8).toBe(100_000n * 10n ** 8n)
    } finally {
      if (saved === undefined) delete process.env.UNIMARGIN_DEVNET_JSON
      else process.env.UNIMARGIN_DEVNET_JSON = saved
      await devnet.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
