import { type Config, type ConfigInput, defineConfig } from '@unimargin/chains'
import { chainEvents, type Db } from '@unimargin/db'
import pino from 'pino'
import { type Address, getAddress, pad, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/** A deterministic fake address: `addr(1)` → 0x000…0001 (checksummed). */
export const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }))
export const usd = (n: number | bigint) => BigInt(n) * 10n ** 8n
export const E18 = 10n ** 18n
export const E6 = 10n ** 6n

export const A = 1001
export const B = 1002
export const C = 1003
export const reporterKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' as const
export const reporter = privateKeyToAccount(reporterKey)

export const feeds = { ethA: addr(0xa1), usdcB: addr(0xb1), usdcC: addr(0xc1), ethC: addr(0xc2) }
export const tokens = { wethA: addr(0xa0), usdcB: addr(0xb0), usdcC: addr(0xc0), wethC: addr(0xc3) }
export const vaults = { [A]: addr(0xaaa), [B]: addr(0xbbb), [C]: addr(0xccc) } as Record<number, Address>
export const receiver = addr(0xdead)

/** Three chains: A (hub) with WETH, B with USDC, C with USDC and WETH; one ETH-PERP market (10% IM, 5% MM). */
export function testConfig(
  overrides: {
    withdrawalBufferUsd8?: bigint
    insuranceFundUsd8?: bigint
    margin?: ConfigInput['margin']
    latency?: ConfigInput['latency']
    /** fields merged into the WETH asset of chain A or C (scenario treatment: risk-cancelling, haircuts, route break) */
    weth?: { [chain in 'A' | 'C']?: Partial<ConfigInput['chains'][number]['assets'][number]> }
  } = {},
): Config {
  const chain = (chainId: number, assets: ConfigInput['chains'][number]['assets']) => ({
    name: `chain-${chainId}`,
    chainId,
    wormholeChainId: chainId - 1000,
    rpcUrl: 'http://127.0.0.1:1',
    wormhole: addr(0x1000 + chainId),
    vault: vaults[chainId]!,
    assets,
  })
  return defineConfig({
    hub: { chainId: A, address: addr(0x4b) },
    chains: [
      chain(A, [{ symbol: 'ETH', address: tokens.wethA, decimals: 18, feed: feeds.ethA, haircutBps: 1000, ...overrides.weth?.A }]),
      chain(B, [{ symbol: 'USDC', address: tokens.usdcB, decimals: 6, feed: feeds.usdcB, haircutBps: 0 }]),
      chain(C, [
        { symbol: 'USDC', address: tokens.usdcC, decimals: 6, feed: feeds.usdcC, haircutBps: 0 },
        { symbol: 'ETH', address: tokens.wethC, decimals: 18, feed: feeds.ethC, haircutBps: 1000, ...overrides.weth?.C },
      ]),
    ],
    markets: [{ symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500 }],
    guardians: {},
    venue: { reporter: reporter.address },
    relayer: { privateKey: reporterKey },
    liquidation: { receiver, penaltyBps: 100, insuranceFundUsd8: overrides.insuranceFundUsd8 ?? usd(1000) },
    withdrawalBufferUsd8: overrides.withdrawalBufferUsd8 ?? 0n,
    ...(overrides.margin ? { margin: overrides.margin } : {}),
    ...(overrides.latency ? { latency: overrides.latency } : {}),
  })
}

export const silentLogger = pino({ level: 'silent' })

/**
 * `db` whose every transaction throws `Error('crashed')` after its callback has run, before it commits: a process
 * that dies between writing an event's effects and committing them.
 */
export function crashingBeforeCommit(db: Db): Db {
  return new Proxy(db, {
    get: (target, key, receiver) =>
      key === 'transaction'
        ? (fn: (tx: unknown) => Promise<unknown>) =>
            target.transaction(async (tx) => {
              await fn(tx)
              throw new Error('crashed')
            })
        : Reflect.get(target, key, receiver),
  })
}
export const T0 = 1_700_000_000n

/** Writes chain events the way a watcher does: one block per event, increasing per chain, timestamps from `clock`. */
export function createEmitter(db: Db) {
  const blocks = new Map<number, bigint>()
  let ts = T0
  return {
    /** advance the fake chain clock by `seconds` */
    tick(seconds: number) {
      ts += BigInt(seconds)
    },
    get ts() {
      return ts
    },
    async emit(chainId: number, address: Address, eventName: string, args: Record<string, string | number>) {
      const blockNumber = (blocks.get(chainId) ?? 100n) + 1n
      blocks.set(chainId, blockNumber)
      const [row] = await db
        .insert(chainEvents)
        .values({
          chainId,
          blockNumber,
          blockHash: pad(toHex(chainId * 1_000_000 + Number(blockNumber)), { size: 32 }),
          blockTimestamp: ts,
          txHash: pad(toHex(chainId * 1_000_000 + Number(blockNumber) + 7), { size: 32 }),
          logIndex: 0,
          address,
          eventName,
          args,
        })
        .returning()
      return row!
    },
    price(chainId: number, feed: Address, priceUsd8: bigint, roundId = 1n) {
      return this.emit(chainId, feed, 'AnswerUpdated', { current: priceUsd8.toString(), roundId: roundId.toString(), updatedAt: ts.toString() })
    },
    deposit(chainId: number, account: Address, asset: Address, amount: bigint) {
      return this.emit(chainId, vaults[chainId]!, 'Deposited', { account, asset, amount: amount.toString(), depositor: account })
    },
    requestWithdrawal(chainId: number, requestId: number, account: Address, asset: Address, amount: bigint) {
      return this.emit(chainId, vaults[chainId]!, 'WithdrawalRequested', {
        requestId: String(requestId),
        account,
        asset,
        amount: amount.toString(),
        recipient: account,
      })
    },
  }
}

/** Publishes the standard prices: ETH 2000 on A and C, USDC 1 on B and C. */
export async function seedPrices(emitter: ReturnType<typeof createEmitter>, eth = usd(2000)) {
  await emitter.price(A, feeds.ethA, eth)
  await emitter.price(C, feeds.ethC, eth)
  await emitter.price(B, feeds.usdcB, usd(1))
  await emitter.price(C, feeds.usdcC, usd(1))
}

/**
 * ETH on the hub's feed every hour after the standard prices: `calm` hours of ±0.3%, then `wild` hours of ±8%,
 * alternating; `onHour(h)` runs after each hour's price. Resolves to the last ETH price, USD.
 */
export async function publishHourlyEthPrices(
  emitter: ReturnType<typeof createEmitter>,
  calm: number,
  wild: number,
  onHour?: (h: number) => Promise<void>,
): Promise<number> {
  let eth = 2000
  await seedPrices(emitter, usd(eth))
  for (let h = 1; h <= calm + wild; h++) {
    emitter.tick(3600)
    eth *= 1 + (h % 2 === 0 ? 1 : -1) * (h <= calm ? 0.003 : 0.08)
    await emitter.price(A, feeds.ethA, BigInt(Math.round(eth * 1e8)), BigInt(h + 1))
    await onHour?.(h)
  }
  return eth
}
