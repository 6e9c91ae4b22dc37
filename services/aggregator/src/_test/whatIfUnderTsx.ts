// Run with tsx (see whatIfPool.test.ts): computes one what-if in the pool and prints what came back, then exits,
// which it can only do once the pool is closed.
import { testConfig, usd } from '../test-utils.js'
import { createWhatIfPool } from '../whatif/index.js'

const pool = createWhatIfPool({ config: testConfig() })
const eth = { chainId: 1001, feed: '0x', symbol: 'ETH', priceUsd8: usd(2000), roundId: 1n, updatedAt: 1n, blockNumber: 1n, ageSeconds: 0n, stale: false }
const input = { balances: [], positionRows: [], settledPnlUsd8: 0n, nowSeconds: 1n, quotes: [eth], blocks: new Map() }
const { after } = await pool.run(input, { positions: [{ market: 'ETH-PERP', size: 10n ** 18n }] })
const unknownMarket = await pool.run(input, { positions: [{ market: 'DOGE-PERP', size: 1n }] }).catch((error: Error) => error.name)
await pool.close()
console.log(JSON.stringify({ after: { imUsd8: after.imUsd8 }, unknownMarket }))
