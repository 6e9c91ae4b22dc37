/**
 * Derive PMRM_2 mode benchmark: one 100-position account (Derive's cap on an account's balances) margined over
 * Derive's standard 31 scenarios, and all shared Derive case files (`../shared/data/derive_pmrm2`) margined together.
 * Both with `exactScenarios: 'worst'` (the default: float64 screening with a proven error bound, fixed point only
 * where the worst can be; the same MM and IM) and with every scenario in fixed point (`exactScenarios: 'all'`).
 * Prints medians of several runs. Run: `pnpm --filter @unimargin/bench bench:derive` (or
 * `npx tsx bench/derive.ts [runs] [cases-dir]`). Single-threaded; every figure is computed in 1e18 fixed point
 * (bigint), as Derive's contract computes it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import {
  type DeriveMarginOptions,
  deriveMargin,
  parseDeriveCase,
  parseDeriveParameters,
  parseDeriveScenario,
} from '@unimargin/risk'
import { DERIVE_STANDARD_PARAMETERS } from '../packages/risk/src/derive/_test/standardParameters.js'

const RUNS = Number(process.argv[2] ?? 15)
const CASES = process.argv[3] ?? new URL('../../shared/data/derive_pmrm2', import.meta.url).pathname
const DAY = 86_400
const YEAR = 365 * DAY

// Derive's standard scenario set and parameters (as in the shared cases, e.g. test_10): 23 regular, 6 tail, 2 skew.
const regular = [1.18, 1.135, 1.09, 1.045, 1, 0.955, 0.91, 0.865].flatMap((s, i) =>
  i === 0
    ? [{ SpotShock: s, VolShockDirection: 'Up', DampeningFactor: 1 }]
    : ['Down', 'None', 'Up'].map((d) => ({ SpotShock: s, VolShockDirection: d, DampeningFactor: 1 })),
)
const parameters = parseDeriveParameters({
  Scenarios: [
    ...regular,
    { SpotShock: 0.82, VolShockDirection: 'Up', DampeningFactor: 1 },
    ...[
      [0.34, 0.0545],
      [0.67, 0.109],
      [1.5, 0.072],
      [2, 0.036],
      [3, 0.018],
      [4, 0.012],
    ].map(([s, d]) => ({ SpotShock: s, VolShockDirection: 'Up', DampeningFactor: d })),
    { SpotShock: 1, VolShockDirection: 'LINEAR', DampeningFactor: 1 },
    { SpotShock: 1, VolShockDirection: 'ABS', DampeningFactor: 1 },
  ],
  ...DERIVE_STANDARD_PARAMETERS,
})

// ETH book: 4 expiries (7, 28, 63, 119 days) × 12 strikes × call/put = 96 options with skewed SVI surfaces, a perp,
// two collaterals (risk-cancelling wETH, USDe) and cash: 100 balances.
const spot = 3000
const expiries = [7, 28, 63, 119].map((d) => d * DAY)
let seed = 7
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0
  return seed / 2 ** 32
}
const feeds = expiries.map((sec, i) => {
  const tau = sec / YEAR
  const forward = spot * (1 + 0.05 * tau)
  return {
    FeedExpiry: sec,
    Forward: forward,
    ForwardConfidence: 1,
    Rate: 0.05,
    RateConfidence: 1,
    SVIparam: [0.3 * tau, 0.12 * Math.sqrt(tau), -0.3, 0.02, 0.2 + 0.05 * i, forward, tau],
    OptionVolConfidences: 0.95,
  }
})
const options = expiries.flatMap((sec) =>
  [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.2, 1.3, 1.4].flatMap((m) =>
    [1, 0].map((isCall) => ({
      Expiry: sec,
      Strike: Math.round(spot * m),
      IsCall: isCall,
      Amount: Math.round((rnd() * 20 - 12) * 10) / 10,
    })),
  ),
)
const scenario = parseDeriveScenario({
  Cash: 250_000,
  Collaterals: [
    { Name: 'WETH', Amount: 40, Price: 3001, Confidence: 1, IsRiskCancelling: true, IMHaircut: 0.01, MMHaircut: 0.05 },
    {
      Name: 'USDE',
      Amount: 50_000,
      Price: 0.999,
      Confidence: 0.9,
      IsRiskCancelling: false,
      IMHaircut: 0.05,
      MMHaircut: 0.2,
    },
  ],
  SpotPrice: spot,
  SpotConfidence: 1,
  NumPerps: -25,
  PerpPrice: 3002,
  PerpConfidence: 1,
  UnrealisedPerpPNL: -1200,
  UnrealisedFunding: 35,
  StablePrice: 1,
  StableConfidence: 1,
  Options: options,
  OptionFeeds: feeds,
})

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
function time(run: () => void): { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  run()
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { wall, cpu: (cpu.user + cpu.system) / 1000 }
}
function measure(label: string, run: () => void): void {
  run() // warm-up
  const samples = Array.from({ length: RUNS }, () => time(run))
  const walls = samples.map((s) => s.wall)
  console.log(
    `${label}: median ${median(walls).toFixed(2)} ms, min ${Math.min(...walls).toFixed(2)} ms, median CPU ${median(samples.map((s) => s.cpu)).toFixed(2)} ms`,
  )
}

const caseFiles = readdirSync(CASES).filter((f) => f.endsWith('.json'))
// parsed once; the test_67 case is rejected by Derive's setScenarios (as upstream) and is timed up to that rejection
const cases = caseFiles.map((f) => parseDeriveCase(JSON.parse(readFileSync(`${CASES}/${f}`, 'utf8'))))

function measureCases(label: string, options: DeriveMarginOptions): void {
  measure(`all ${cases.length} shared cases, ${label}`, () => {
    for (const c of cases) {
      try {
        deriveMargin(c.scenario, c.parameters, options)
      } catch {}
    }
  })
}

console.log(
  `${os.cpus()[0]?.model} (${os.cpus().length} vCPU), Node ${process.version}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
const r = deriveMargin(scenario, parameters, { exactScenarios: 'all' })
console.log(
  `account: ${scenario.options.length} options over ${expiries.length} expiries + perp + 2 collaterals + cash; MM ${(Number(r.mm) / 1e18).toFixed(2)}, IM ${(Number(r.im) / 1e18).toFixed(2)}, worst ${r.worst.name}`,
)
measure('one 100-position account, MM and IM, every scenario exact (31 scenarios)', () =>
  deriveMargin(scenario, parameters, { exactScenarios: 'all' }),
)
const fast = deriveMargin(scenario, parameters)
if (fast.mm !== r.mm || fast.im !== r.im || fast.worst.index !== r.worst.index)
  throw new Error('The screened margin differs from the exact one.')
measure(
  `one 100-position account, MM and IM, exact only where the worst can be (${fast.scenarios.filter((s) => s.exact).length} of 31)`,
  () => deriveMargin(scenario, parameters, { exactScenarios: 'worst' }),
)
measureCases('every scenario exact', { exactScenarios: 'all' })
measureCases('exact only where the worst can be', { exactScenarios: 'worst' })
