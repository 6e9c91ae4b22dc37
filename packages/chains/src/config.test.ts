import { describe, expect, it } from 'vitest'
import { ConfigError, type ConfigInput, defineConfig, getLayerZero, routeTransport } from './index.js'

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
const lz = (eid: number) => ({ eid, endpoint: A(eid), sendLib: A(eid + 1), receiveLib: A(eid + 2), worker: A(eid + 3) })
const chain = (chainId: number, layerzero?: ReturnType<typeof lz>) => ({
  name: `c${chainId}`,
  chainId,
  wormholeChainId: chainId - 31335,
  rpcUrl: 'http://127.0.0.1:8545',
  wormhole: A(1),
  vault: A(2),
  assets: [{ symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }],
  ...(layerzero ? { layerzero } : {}),
})
const base = (over: Partial<ConfigInput> = {}): ConfigInput => ({
  hub: { chainId: 31337, address: A(5) },
  chains: [chain(31337, lz(40101)), chain(31338, lz(40102)), chain(31339)],
  markets: [],
  guardians: {},
  venue: { reporter: A(6) },
  relayer: { privateKey: `0x${'11'.repeat(32)}` },
  liquidation: { receiver: A(7) },
  ...over,
})

describe('routes', () => {
  it('reaches every chain over Wormhole when no route is configured', () => {
    const config = defineConfig(base())
    expect(config.routes).toEqual([])
    expect(config.chains.map((c) => routeTransport(config, c.chainId))).toEqual(['wormhole', 'wormhole', 'wormhole'])
  })

  it('takes a chain\'s transport from its route, defaulting a route without one to Wormhole', () => {
    const config = defineConfig(base({ routes: [{ chainId: 31338, transport: 'layerzero' }, { chainId: 31339 }] }))
    expect([31337, 31338, 31339].map((id) => routeTransport(config, id))).toEqual(['wormhole', 'layerzero', 'wormhole'])
    expect(getLayerZero(config, 31338).eid).toBe(40102)
    expect(() => getLayerZero(config, 31339)).toThrow(/no LayerZero/)
  })

  it('refuses a LayerZero route to a chain without LayerZero contracts, an unknown chain, a duplicate route or eid', () => {
    const issues = (input: ConfigInput) => {
      try {
        defineConfig(input)
        return []
      } catch (error) {
        return (error as ConfigError).issues.map((i) => i.path)
      }
    }
    expect(issues(base({ routes: [{ chainId: 31339, transport: 'layerzero' }] }))).toEqual(['routes[0].transport'])
    expect(issues(base({ routes: [{ chainId: 1, transport: 'wormhole' }] }))).toEqual(['routes[0].chainId'])
    expect(issues(base({ routes: [{ chainId: 31338 }, { chainId: 31338 }] }))).toEqual(['routes[1].chainId'])
    expect(issues(base({ chains: [chain(31337, lz(40101)), chain(31338, lz(40101))] }))).toEqual(['chains[c31338].layerzero.eid'])
    expect(() => defineConfig(base({ routes: [{ chainId: 31339, transport: 'layerzero' }] }))).toThrow(ConfigError)
  })
})

describe('markets', () => {
  const market = { symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500 }

  it('bounds reported positions by default to 20% around the mark and 10^9 USD of notional', () => {
    const [m] = defineConfig(base({ markets: [market] })).markets
    expect(m).toMatchObject({ maxEntryDeviationBps: 2000, maxNotionalUsd8: 10n ** 17n })
    const [custom] = defineConfig(base({ markets: [{ ...market, maxEntryDeviationBps: 500, maxNotionalUsd8: '100000000000' }] })).markets
    expect(custom).toMatchObject({ maxEntryDeviationBps: 500, maxNotionalUsd8: 10n ** 11n })
  })

  it('refuses a maximum notional of 0 and a deviation above 10 000 bps', () => {
    expect(() => defineConfig(base({ markets: [{ ...market, maxNotionalUsd8: 0 }] }))).toThrow(/markets\[ETH-PERP\]\.maxNotionalUsd8/)
    expect(() => defineConfig(base({ markets: [{ ...market, maxEntryDeviationBps: 10_001 }] }))).toThrow(/markets\[ETH-PERP\]\.maxEntryDeviationBps/)
  })
})

describe('collateral in the scenarios', () => {
  const withAssets = (assets: ConfigInput['chains'][number]['assets']) =>
    defineConfig(base({ chains: [{ ...chain(31337, lz(40101)), assets }] })).chains[0]!.assets
  const weth = { symbol: 'ETH', address: A(8), decimals: 18, feed: A(9), haircutBps: 1000 }

  it('makes the majors risk-cancelling with 2% MM and 3% IM haircuts, and leaves other assets at their haircut', () => {
    const [eth, usdc, link] = withAssets([weth, { symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }, { symbol: 'LINK', address: A(10), decimals: 18, feed: A(11), haircutBps: 2500 }])
    expect(eth).toMatchObject({ underlying: 'ETH', riskCancelling: true, mmHaircutBps: 200, imHaircutBps: 300 })
    expect(usdc).toMatchObject({ underlying: 'USDC', riskCancelling: false, mmHaircutBps: 200, imHaircutBps: 200 })
    expect(link).toMatchObject({ riskCancelling: false, mmHaircutBps: 2500, imHaircutBps: 2500 })
    expect(eth).not.toHaveProperty('routeBreakLossBps')
  })

  it('follows a wrapper to its underlying and caps the default haircuts at the asset\'s own', () => {
    const [steth] = withAssets([{ ...weth, symbol: 'stETH', underlying: 'ETH', haircutBps: 150, routeBreakLossBps: 3000 }])
    expect(steth).toMatchObject({ underlying: 'ETH', riskCancelling: true, mmHaircutBps: 150, imHaircutBps: 150, routeBreakLossBps: 3000 })
  })

  it('takes explicit risk-cancelling and haircuts, and refuses an IM haircut below the MM one, naming the field', () => {
    const [off] = withAssets([{ ...weth, riskCancelling: false }])
    expect(off).toMatchObject({ riskCancelling: false, mmHaircutBps: 1000, imHaircutBps: 1000 })
    const [set] = withAssets([{ ...weth, mmHaircutBps: 300, imHaircutBps: 450 }])
    expect(set).toMatchObject({ mmHaircutBps: 300, imHaircutBps: 450 })
    expect(() => withAssets([{ ...weth, mmHaircutBps: 300, imHaircutBps: 200 }])).toThrow(/chains\[c31337\]\.assets\[ETH\]\.imHaircutBps/)
    expect(() => withAssets([{ ...weth, routeBreakLossBps: 10_001 }])).toThrow(/chains\[c31337\]\.assets\[ETH\]\.routeBreakLossBps/)
  })
})

describe('node', () => {
  it('takes an optional stable node id and refuses one that is not a plain name', () => {
    expect(defineConfig(base()).node?.id).toBeUndefined()
    expect(defineConfig(base({ node: { id: 'hub-eu-1' } })).node?.id).toBe('hub-eu-1')
    expect(() => defineConfig(base({ node: { id: 'hub eu/1' } }))).toThrow(/node\.id/)
  })
})

describe('strictness', () => {
  it('refuses an unknown key, a typo included, naming it, the chain by name and the file', () => {
    const typo = base({ chains: [{ ...chain(31337, lz(40101)), confirmation: 12 } as ConfigInput['chains'][number]] })
    const error = (() => {
      try {
        defineConfig(typo, 'unimargin.json')
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.issues).toEqual([{ path: 'chains[c31337]', message: "unknown key 'confirmation'" }])
    expect(error?.message).toBe("Invalid configuration in unimargin.json:\n  - chains[c31337]: unknown key 'confirmation'")
  })

  it('refuses unknown keys at every level, and lists every one', () => {
    const input = { ...base(), extra: true, relayer: { privateKey: `0x${'11'.repeat(32)}`, maxAttempt: 3 } } as ConfigInput
    expect(() => defineConfig(input)).toThrow(/\(root\): unknown key 'extra'/)
    expect(() => defineConfig(input)).toThrow(/relayer: unknown key 'maxAttempt'/)
  })
})

describe('co-signers', () => {
  it('takes the co-signer URLs and threshold, refusing a threshold of 0 or above the number of URLs', () => {
    const urls = ['http://127.0.0.1:8801', 'http://127.0.0.1:8802', 'http://127.0.0.1:8803']
    expect(defineConfig(base({ coSigners: { urls, threshold: 2 } })).coSigners).toEqual({ urls, threshold: 2, timeoutMs: 10_000 })
    expect(() => defineConfig(base({ coSigners: { urls, threshold: 4 } }))).toThrow(/coSigners\.threshold/)
    expect(() => defineConfig(base({ coSigners: { urls, threshold: 0 } }))).toThrow(/coSigners\.threshold/)
    expect(() => defineConfig(base({ coSigners: { urls: ['not a url'], threshold: 1 } }))).toThrow(/coSigners\.urls/)
  })

  it("takes a co-signer's own key with a default tolerance of 100 bps", () => {
    expect(defineConfig(base({ coSigner: { privateKey: `0x${'22'.repeat(32)}` } })).coSigner).toEqual({ privateKey: `0x${'22'.repeat(32)}`, toleranceBps: 100 })
    expect(() => defineConfig(base({ coSigner: { privateKey: '0x12' } }))).toThrow(/coSigner\.privateKey/)
  })
})
