import { describe, expect, it } from 'vitest'
import { dualTransportThreshold } from './dualTransport.js'
import { ConfigError, type ConfigInput, defineConfig, dualTransportThresholds } from './index.js'

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
const lz = (eid: number) => ({ eid, endpoint: A(eid), sendLib: A(eid + 1), receiveLib: A(eid + 2), worker: A(eid + 3) })
const base = (dualTransportAboveUsd: number | undefined, withLayerZero = true): ConfigInput => ({
  hub: { chainId: 31337, address: A(5) },
  chains: [31337, 31338].map((chainId) => ({
    name: `c${chainId}`,
    chainId,
    wormholeChainId: chainId - 31335,
    rpcUrl: 'http://127.0.0.1:8545',
    wormhole: A(1),
    vault: A(2),
    assets: [
      { symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 },
      { symbol: 'ETH', address: A(8), decimals: 18, feed: A(9), haircutBps: 1000 },
    ],
    ...(withLayerZero ? { layerzero: lz(40100 + chainId - 31336) } : {}),
    ...(chainId === 31338 && dualTransportAboveUsd !== undefined ? { dualTransportAboveUsd } : {}),
  })),
  markets: [],
  guardians: {},
  venue: { reporter: A(6) },
  relayer: { privateKey: `0x${'11'.repeat(32)}` },
  liquidation: { receiver: A(7) },
})

describe('dual-transport thresholds', () => {
  it('converts a USD notional to token base units at the feed price, rounding down', () => {
    expect(dualTransportThreshold(50_000, { decimals: 6, feedDecimals: 8 }, 10n ** 8n)).toBe(50_000n * 10n ** 6n)
    // 50 000 USD of ETH at 1 600 USD = 31.25 ETH
    expect(dualTransportThreshold(50_000, { decimals: 18, feedDecimals: 8 }, 1600n * 10n ** 8n)).toBe(3125n * 10n ** 16n)
    // 50 000 USD of BTC at 21 000 USD = 2.38095238… BTC, rounded down to the satoshi
    expect(dualTransportThreshold(50_000, { decimals: 8, feedDecimals: 8 }, 21_000n * 10n ** 8n)).toBe(238_095_238n)
  })

  it('refuses a price that is not positive and a notional that is not a positive whole number', () => {
    expect(() => dualTransportThreshold(50_000, { decimals: 6, feedDecimals: 8 }, 0n)).toThrow(RangeError)
    expect(() => dualTransportThreshold(0, { decimals: 6, feedDecimals: 8 }, 10n ** 8n)).toThrow(/positive whole/)
    expect(() => dualTransportThreshold(1.5, { decimals: 6, feedDecimals: 8 }, 10n ** 8n)).toThrow(/positive whole/)
  })

  it('gives every asset of a vault with dualTransportAboveUsd its threshold, and none without it', () => {
    const config = defineConfig(base(50_000))
    const prices: Record<string, bigint> = { USDC: 10n ** 8n, ETH: 2000n * 10n ** 8n }
    expect(dualTransportThresholds(config.chains[0]!, (s) => prices[s]).size).toBe(0)
    expect([...dualTransportThresholds(config.chains[1]!, (s) => prices[s])]).toEqual([
      [A(3), 50_000n * 10n ** 6n],
      [A(8), 25n * 10n ** 18n],
    ])
    expect(() => dualTransportThresholds(config.chains[1]!, () => undefined)).toThrow(/no price for USDC/)
  })

  it('rejects dualTransportAboveUsd on a vault LayerZero cannot reach, naming the field', () => {
    expect(() => defineConfig(base(50_000, false))).toThrow(ConfigError)
    try {
      defineConfig(base(50_000, false))
    } catch (error) {
      expect((error as ConfigError).issues).toContainEqual({ path: 'chains[c31338].dualTransportAboveUsd', message: expect.stringMatching(/LayerZero/) })
    }
    expect(() => defineConfig(base(-5))).toThrow(/dualTransportAboveUsd/)
  })
})
