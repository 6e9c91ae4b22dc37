import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encryptKeystoreJsonSync } from 'ethers'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from './config.js'
import { loadConfigFile } from './load.js'

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
const relayerKey = `0x${'11'.repeat(32)}`
const base = (relayer: unknown, extra: Record<string, unknown> = {}) => ({
  hub: { chainId: 31337, address: A(5) },
  chains: [
    {
      name: 'hub',
      chainId: 31337,
      wormholeChainId: 2,
      rpcUrl: { $env: 'UNIMARGIN_TEST_RPC' },
      wormhole: A(1),
      vault: A(2),
      assets: [{ symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }],
    },
  ],
  markets: [],
  guardians: {},
  venue: { reporter: A(6) },
  relayer: { privateKey: relayer },
  liquidation: { receiver: A(7) },
  ...extra,
})

const dir = mkdtempSync(join(tmpdir(), 'unimargin-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const touched = ['UNIMARGIN_TEST_RPC', 'UNIMARGIN_TEST_KEY', 'UNIMARGIN_TEST_PASSPHRASE']
afterEach(() => {
  for (const name of touched) delete process.env[name]
})
let n = 0
/** Writes `files` (name → content) into a fresh directory; returns the path of the first. */
function write(files: Record<string, string>): string {
  const sub = join(dir, String(n++))
  mkdirSync(sub, { recursive: true })
  for (const [name, content] of Object.entries(files)) writeFileSync(join(sub, name), content)
  return join(sub, Object.keys(files)[0]!)
}
const issuesOf = async (file: string) => {
  try {
    await loadConfigFile(file)
  } catch (error) {
    if (error instanceof ConfigError) return { source: error.source, issues: error.issues }
    throw error
  }
  throw new Error('loaded')
}

describe('loadConfigFile', () => {
  it('resolves secrets named in a JSON file from a .env beside it, and the environment wins over the .env', async () => {
    const file = write({
      'unimargin.json': JSON.stringify(base({ $env: 'UNIMARGIN_TEST_KEY' })),
      '.env': `UNIMARGIN_TEST_KEY=${relayerKey}\nUNIMARGIN_TEST_RPC=http://from-dotenv:8545\n`,
    })
    process.env.UNIMARGIN_TEST_RPC = 'http://from-environment:8545'
    const config = await loadConfigFile(file)
    expect(config.relayer.privateKey).toBe(relayerKey)
    expect(config.chains[0]!.rpcUrl).toBe('http://from-environment:8545')
  })

  it('decrypts a keystore with the passphrase from the environment, and names a wrong passphrase without the secret', async () => {
    const keystore = encryptKeystoreJsonSync({ address: privateKeyToAddress(relayerKey as `0x${string}`), privateKey: relayerKey }, 'correct horse', { scrypt: { N: 1024 } })
    // a keystore path is relative to the configuration file
    const file = write({
      'unimargin.json': JSON.stringify(base({ $keystore: 'relayer.keystore.json', passphraseEnv: 'UNIMARGIN_TEST_PASSPHRASE' })),
      'relayer.keystore.json': keystore,
    })
    process.env.UNIMARGIN_TEST_RPC = 'http://127.0.0.1:8545'
    process.env.UNIMARGIN_TEST_PASSPHRASE = 'correct horse'
    expect((await loadConfigFile(file)).relayer.privateKey).toBe(relayerKey)
    process.env.UNIMARGIN_TEST_PASSPHRASE = 'wrong'
    const { issues } = await issuesOf(file)
    expect(issues).toEqual([{ path: 'relayer.privateKey', message: expect.stringMatching(/keystore .*relayer\.keystore\.json cannot be decrypted: wrong passphrase/) }])
    expect(JSON.stringify(issues)).not.toContain('11111111')
  })

  it('names an unset variable by field and file', async () => {
    const file = write({ 'unimargin.json': JSON.stringify(base({ $env: 'UNIMARGIN_TEST_KEY' })) })
    const { source, issues } = await issuesOf(file)
    expect(source).toBe(file)
    expect(issues).toEqual([
      { path: 'chains[hub].rpcUrl', message: 'environment variable UNIMARGIN_TEST_RPC is not set' },
      { path: 'relayer.privateKey', message: 'environment variable UNIMARGIN_TEST_KEY is not set' },
    ])
  })

  it('refuses a private key written in the file unless the file is a local devnet', async () => {
    process.env.UNIMARGIN_TEST_RPC = 'http://127.0.0.1:8545'
    const refused = await issuesOf(write({ 'unimargin.json': JSON.stringify(base(relayerKey)) }))
    expect(refused.issues).toEqual([{ path: 'relayer.privateKey', message: expect.stringContaining('refused outside a local devnet') }])
    const devnet = await loadConfigFile(write({ 'unimargin.json': JSON.stringify(base(relayerKey, { devnet: true })) }))
    expect(devnet.relayer.privateKey).toBe(relayerKey)
  })

  it('loads unimargin.config.ts whose default export is defineConfig with env(), and refuses its literal keys too', async () => {
    const ts = (key: string) => `import { defineConfig, env } from '@unimargin/chains'
const config = ${JSON.stringify(base('KEY'))}
export default defineConfig({ ...config, relayer: { privateKey: ${key} }, commandTtlSeconds: 600 as number })
`.replace('"KEY"', 'undefined')
    process.env.UNIMARGIN_TEST_RPC = 'http://127.0.0.1:8545'
    process.env.UNIMARGIN_TEST_KEY = relayerKey
    const config = await loadConfigFile(write({ 'unimargin.config.ts': ts("env('UNIMARGIN_TEST_KEY')") }))
    expect(config.relayer.privateKey).toBe(relayerKey)
    expect(config.commandTtlSeconds).toBe(600)
    const literal = await issuesOf(write({ 'unimargin.config.ts': ts(`'${relayerKey}'`) }))
    expect(literal.issues.map((i) => i.path)).toEqual(['relayer.privateKey'])
  })

  it('reports a missing file, a module that throws and unknown keys as configuration errors, and invalid JSON as a syntax error, naming the file', async () => {
    expect((await issuesOf(join(dir, 'nope.json'))).issues[0]!.message).toMatch(/no such file/)
    const broken = write({ 'bad.json': '{ "hub": ' })
    await expect(loadConfigFile(broken)).rejects.toThrow(new RegExp(`${broken} is not valid JSON`))
    expect((await issuesOf(write({ 'bad.config.ts': 'throw new Error("boom")\nexport default {}' }))).issues[0]!.message).toMatch(/cannot be loaded: boom/)
    process.env.UNIMARGIN_TEST_RPC = 'http://127.0.0.1:8545'
    const typo = await issuesOf(write({ 'typo.json': JSON.stringify(base({ $env: 'UNIMARGIN_TEST_RPC' }, { confirmation: 12 })) }))
    expect(typo.issues.map((i) => i.path)).toContain('(root)')
  })
})
