/**
 * Micro-benchmarks of the hot paths that exist so far: command encoding/decoding, VAA verification against a
 * guardian set (what every delivery costs off-chain), one account's margin under the linear model and the portfolio
 * engine. Prints a table of medians; record figures in bench/README.md with the machine and date. The batch
 * (million-account) benchmark is `portfolio.ts`, run after this one by `pnpm bench`.
 * Run: `pnpm bench` (from the repository root).
 */
import os from 'node:os'
import { decodeCommand, encodeCommand, signVaa, verifyVaa } from '@unimargin/protocol'
import { computeAccountMargin, createPortfolioEngine, type MarketState, type PortfolioAccount } from '@unimargin/risk'
import { Bench } from 'tinybench'
import { keccak256, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'

const command = {
  kind: 'Seize',
  commandId: keccak256(toHex('bench')),
  destChainId: 31338n,
  vault: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  expiry: 1893456000n,
  account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  lockEpoch: 3,
  asset: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  amount: 10n ** 18n,
  receiver: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
} as const
const payload = encodeCommand(command)

const keys = Array.from({ length: 19 }, (_, i) => keccak256(toHex(`guardian-${i}`)))
const body = { timestamp: 1_700_000_000, nonce: 0, emitterChain: 10002, emitterAddress: `0x${'00'.repeat(12)}${'ab'.repeat(20)}` as const, sequence: 1n, consistencyLevel: 1, payload }
const one = { index: 0, keys: [privateKeyToAddress(keys[0]!)] }
const nineteen = { index: 0, keys: keys.map((k) => privateKeyToAddress(k)) }
const vaa1 = signVaa(body, [keys[0]!], { guardianSetIndex: 0 })
const vaa19 = signVaa(body, keys, { guardianSetIndex: 0, signerIndices: Array.from({ length: 13 }, (_, i) => i) })

const usd = (n: number) => BigInt(n) * 10n ** 8n
const account = {
  collateral: [
    { chainId: 1, symbol: 'USDC', asset: '0x1', amount: 10_000n * 10n ** 6n, decimals: 6, priceUsd8: usd(1), haircutBps: 200 },
    { chainId: 2, symbol: 'ETH', asset: '0x2', amount: 5n * 10n ** 18n, decimals: 18, priceUsd8: usd(1600), haircutBps: 1000 },
    { chainId: 3, symbol: 'USDC', asset: '0x3', amount: -12_000n * 10n ** 6n, decimals: 6, priceUsd8: usd(1), haircutBps: 200 },
  ],
  positions: Array.from({ length: 8 }, (_, i) => ({ market: `M${i}`, size: (i % 2 ? -1n : 1n) * 10n ** 18n, entryPrice: usd(1600), markPrice: usd(1500 + i), imfBps: 1000, mmfBps: 500 })),
  settledPnlUsd8: 0n,
}

// the portfolio engine on one account: 8 positions (perps, futures, options) over the default grid
const now = Date.UTC(2026, 0, 15, 8)
const market: MarketState = {
  nowMs: now,
  rate: 0.03,
  underlyings: { BTC: { spotUsd8: usd(60_000), updatedAtMs: now }, ETH: { spotUsd8: usd(3_000), updatedAtMs: now } },
  surfaces: {
    BTC: { underlying: 'BTC', expiries: [{ timeYears: 7 / 365, atmVol: 0.6 }, { timeYears: 90 / 365, atmVol: 0.55 }], skew: -0.1 },
    ETH: { underlying: 'ETH', expiries: [{ timeYears: 7 / 365, atmVol: 0.7 }, { timeYears: 90 / 365, atmVol: 0.65 }], skew: -0.1 },
  },
}
const day = 86_400_000
const e18 = 10n ** 18n
const portfolio: PortfolioAccount = {
  collateral: [
    { chainId: 1, symbol: 'USDC', asset: '0x1', amount: 150_000n * 10n ** 6n, decimals: 6, priceUsd8: usd(1), haircutBps: 200 },
    { chainId: 2, symbol: 'ETH', asset: '0x2', amount: 5n * 10n ** 18n, decimals: 18, priceUsd8: usd(3_000), haircutBps: 1000 },
  ],
  settledPnlUsd8: 0n,
  positions: [
    { instrument: { kind: 'perp', underlying: 'BTC' }, size: e18, entryPrice: usd(59_000) },
    { instrument: { kind: 'future', underlying: 'BTC', expiryMs: now + 90 * day }, size: -e18, entryPrice: usd(60_500) },
    { instrument: { kind: 'option', underlying: 'BTC', expiryMs: now + 30 * day, strikeUsd8: usd(65_000), right: 'call' }, size: -2n * e18, entryPrice: usd(1_500) },
    { instrument: { kind: 'option', underlying: 'BTC', expiryMs: now + 30 * day, strikeUsd8: usd(55_000), right: 'put' }, size: 2n * e18, entryPrice: usd(1_200) },
    { instrument: { kind: 'perp', underlying: 'ETH' }, size: -20n * e18, entryPrice: usd(3_100) },
    { instrument: { kind: 'future', underlying: 'ETH', expiryMs: now + 30 * day }, size: 10n * e18, entryPrice: usd(3_050) },
    { instrument: { kind: 'option', underlying: 'ETH', expiryMs: now + 7 * day, strikeUsd8: usd(3_000), right: 'call' }, size: 5n * e18, entryPrice: usd(120) },
    { instrument: { kind: 'option', underlying: 'ETH', expiryMs: now + 7 * day, strikeUsd8: usd(3_000), right: 'put' }, size: 5n * e18, entryPrice: usd(110) },
  ],
}
const engine = createPortfolioEngine()
const lp = engine.liquidationPrice(portfolio, market, 'BTC')
if (lp.liquidatableNow || (lp.belowUsd8 === null && lp.aboveUsd8 === null)) throw new Error(`the benchmark account should be healthy with a BTC liquidation price: ${JSON.stringify(lp, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`)

const bench = new Bench({ time: 1000, warmupTime: 200 })
bench
  .add('encodeCommand (Seize)', () => encodeCommand(command))
  .add('decodeCommand (Seize)', () => decodeCommand(payload))
  .add('verifyVaa, 1 guardian', () => verifyVaa(vaa1, one))
  .add('verifyVaa, 13 of 19 guardians', () => verifyVaa(vaa19, nineteen))
  .add('computeAccountMargin, 3 collateral × 8 positions', () => computeAccountMargin(account))
  .add('portfolio engine marginAccount, 8 positions, market priced (cached)', () => engine.marginAccount(portfolio, market))
  .add('portfolio engine marginAccount, 8 positions, new market each call', () => engine.marginAccount(portfolio, { ...market }))
  .add('portfolio engine liquidationPrice (BTC)', () => engine.liquidationPrice(portfolio, market, 'BTC'))
  .add('portfolio engine withdrawable, 2 items', () => engine.withdrawable(portfolio, market, { bufferUsd8: usd(100) }))

await bench.run()
console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`)
console.table(
  bench.tasks.map((t) => {
    const r = t.result as { latency?: { p50?: number; p99?: number }; throughput?: { mean?: number }; totalTime?: number } | undefined
    return {
      task: t.name,
      'median (µs)': r?.latency?.p50 !== undefined ? Number((r.latency.p50 * 1000).toFixed(2)) : 'n/a',
      'p99 (µs)': r?.latency?.p99 !== undefined ? Number((r.latency.p99 * 1000).toFixed(2)) : 'n/a',
      'ops/s': r?.throughput?.mean !== undefined ? Math.round(r.throughput.mean) : 'n/a',
    }
  }),
)
