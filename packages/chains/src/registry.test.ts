import { describe, expect, it } from 'vitest'
import { ConfigError, type ConfigInput, defineConfig, joinRegisteredVault, type RegisteredVault, routeTransport } from './index.js'

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as `0x${string}`
const lz = (eid: number) => ({ eid, endpoint: A(eid), sendLib: A(eid + 1), receiveLib: A(eid + 2), worker: A(eid + 3) })
const config = (over: Partial<ConfigInput> = {}) =>
  defineConfig({
    hub: { chainId: 31337, address: A(5) },
    chains: [
      {
        name: 'hub',
        chainId: 31337,
        wormholeChainId: 2,
        rpcUrl: 'http://127.0.0.1:8545',
        wormhole: A(1),
        vault: A(2),
        layerzero: lz(40101),
        assets: [{ symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }],
      },
    ],
    registry: {
      address: A(9),
      chains: [{ name: 'third', chainId: 31339, wormholeChainId: 4, rpcUrl: 'http://127.0.0.1:8547', wormhole: A(11), layerzero: lz(40103) }],
    },
    markets: [],
    guardians: {},
    venue: { reporter: A(6) },
    relayer: { privateKey: `0x${'11'.repeat(32)}` },
    liquidation: { receiver: A(7) },
    ...over,
  })
const entry = (over: Partial<RegisteredVault> = {}): RegisteredVault => ({
  chainId: 31339,
  vault: A(20),
  deploymentBlock: 77n,
  confirmations: 5,
  transport: 'layerzero',
  status: 'active',
  assets: [{ token: A(21), feed: A(22), symbol: 'ETH', decimals: 18, feedDecimals: 8, haircutBps: 1000, mmHaircutBps: 200, imHaircutBps: 300, routeBreakLossBps: 3000 }],
  ...over,
})

describe('joining a registered vault', () => {
  it('adds the vault\'s chain with its assets, haircuts, confirmations and deployment block, and its LayerZero route', () => {
    const c = config()
    const joined = joinRegisteredVault(c, entry())
    expect('chain' in joined && joined.chain).toMatchObject({ name: 'third', chainId: 31339, vault: A(20), startBlock: 77n, confirmations: 5, rpcUrl: 'http://127.0.0.1:8547' })
    expect(c.chains[1]!.assets).toEqual([
      expect.objectContaining({ symbol: 'ETH', address: A(21), feed: A(22), haircutBps: 1000, mmHaircutBps: 200, imHaircutBps: 300, routeBreakLossBps: 3000, riskCancelling: true, underlying: 'ETH' }),
    ])
    expect(routeTransport(c, 31339)).toBe('layerzero')
  })

  it('keeps a configured chain\'s vault and leaves out a chain registry.chains does not name', () => {
    const c = config()
    expect(joinRegisteredVault(c, entry({ chainId: 31337 }))).toEqual({ skipped: 'configured' })
    expect(joinRegisteredVault(c, entry({ chainId: 1 }))).toEqual({ skipped: 'no_connection' })
    expect(c.chains).toHaveLength(1)
  })

  it('refuses an entry the chain schema refuses, naming the field under the registry', () => {
    const c = config()
    const invalid = () => joinRegisteredVault(c, entry({ assets: [{ ...entry().assets[0]!, mmHaircutBps: 400 }] }))
    expect(invalid).toThrow(ConfigError)
    expect(invalid).toThrow(/registry\[31339\]\.assets\[ETH\]\.imHaircutBps/)
    expect(c.chains).toHaveLength(1)
  })
})
