import * as fc from 'fast-check'

/** Collateral the scenario moves. */
export type Collateral = 'USDC' | 'ETH'

/**
 * One action of the scenario's users, oracle or venue:
 * - `deposit`: a trader deposits `usd` worth of `symbol` on chain number `chain` (0-based);
 * - `withdraw`: a trader asks to withdraw `usd` worth of `symbol` on `chain`, which may be beyond its free
 *   collateral (refused) or against collateral held on other chains (cross-chain);
 * - `large`: the liquidity provider withdraws `usd` USDC on `chain`, above the vaults' two-transport threshold;
 * - `open`: the venue reports a trader's ETH-PERP long of `halfEth` / 2 ETH at the mark;
 * - `price`: the ETH feeds move by `moveBps` on every chain (a crash when strongly negative);
 * - `crash`: once the venue has reported the leveraged trader's long (the last trader, never topped up), ETH falls to
 *   {@link CRASH_BPS} of that long's entry on every chain: it falls below maintenance margin whatever the random moves
 *   did before, so every plan liquidates while the node is being killed.
 */
export type Step =
  | { kind: 'deposit'; trader: number; chain: number; symbol: Collateral; usd: number }
  | { kind: 'withdraw'; trader: number; chain: number; symbol: Collateral; usd: number }
  | { kind: 'large'; chain: number; usd: number }
  | { kind: 'open'; trader: number; halfEth: number }
  | { kind: 'price'; moveBps: number }
  | { kind: 'crash' }

/**
 * How a round ends the node:
 * - `startup`: SIGKILL `delayMs` after the process was spawned, ready or not (migrations, first polls);
 * - `random`: SIGKILL `delayMs` after the node answers `/health`;
 * - `sent`: SIGKILL as soon as a relayer transaction waits in a chain's mempool (sent, not yet mined or recorded);
 * - `published`: SIGKILL as soon as MarginHub emits a new command publication (mined, maybe not yet recorded);
 * - `executed`: SIGKILL as soon as a vault emits a new `CommandExecuted` (before the node has recorded it);
 * - `term`: SIGTERM `delayMs` after `/health`; the node must stop by itself with exit code 0.
 * Aimed kills (`sent`, `published`, `executed`) fall back to a SIGKILL once `delayMs` has passed without their moment.
 */
export type KillMode = 'startup' | 'random' | 'sent' | 'published' | 'executed' | 'term'
export type Kill = { mode: KillMode; delayMs: number }

/** One node lifetime: started, the round's steps played while it runs (or starts), then ended by `kill`. */
export type Round = { steps: Step[]; kill: Kill }

export type Plan = { seed: number; rounds: Round[]; traders: number }

/** Traders the plan's steps draw from (fresh keys derived from the seed); the scenario adds one leveraged trader after them. */
export const TRADERS = 5
/** Where the plan's `crash` takes ETH, in bps of the leveraged trader's entry. */
export const CRASH_BPS = 8_200
/** One round in this many ends with SIGTERM instead of SIGKILL (round index ≡ 3 modulo it). */
export const TERM_EVERY = 8

const chain = fc.nat(2)
const trader = fc.nat(TRADERS - 1)
const symbol = fc.constantFrom<Collateral>('USDC', 'USDC', 'ETH')

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deposit' as const), trader, chain, symbol, usd: fc.integer({ min: 500, max: 8_000 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), trader, chain, symbol, usd: fc.integer({ min: 50, max: 4_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('large' as const), chain, usd: fc.integer({ min: 55_000, max: 90_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), trader, halfEth: fc.integer({ min: 4, max: 30 }) }) },
  {
    weight: 2,
    // crashes (-8% to -15%, within the venue's 20% entry band of the last mark) that liquidate leveraged longs,
    // and recoveries
    arbitrary: fc.record({ kind: fc.constant('price' as const), moveBps: fc.oneof(fc.integer({ min: -1_500, max: -800 }), fc.integer({ min: 300, max: 1_500 })) }),
  },
)

const kill: fc.Arbitrary<Kill> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ mode: fc.constant('startup' as const), delayMs: fc.integer({ min: 200, max: 4_000 }) }) },
  { weight: 3, arbitrary: fc.record({ mode: fc.constant('random' as const), delayMs: fc.integer({ min: 0, max: 4_000 }) }) },
  { weight: 2, arbitrary: fc.record({ mode: fc.constant('sent' as const), delayMs: fc.integer({ min: 5_000, max: 12_000 }) }) },
  { weight: 2, arbitrary: fc.record({ mode: fc.constant('published' as const), delayMs: fc.integer({ min: 5_000, max: 12_000 }) }) },
  { weight: 2, arbitrary: fc.record({ mode: fc.constant('executed' as const), delayMs: fc.integer({ min: 5_000, max: 12_000 }) }) },
)

const round: fc.Arbitrary<Round> = fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 4 }), kill })

/**
 * The scenario and kill schedule of `seed`: `kills` rounds, each with 1-4 steps and the way its node ends; every
 * {@link TERM_EVERY}th round (from the fourth) ends with SIGTERM; the middle round ends its steps with a `crash`. The same seed and count always give the same plan
 * (fast-check's generator, sampled once with that seed); what the node is doing at each kill still depends on timing.
 * @throws {RangeError} when `kills` is not a positive integer.
 */
export function planOf(seed: number, kills: number): Plan {
  if (!Number.isInteger(kills) || kills < 1) throw new RangeError(`KILLS must be a positive integer, got ${kills}`)
  const [rounds] = fc.sample(fc.array(round, { minLength: kills, maxLength: kills }), { seed, numRuns: 1 })
  const withTerms = rounds!.map((r, i): Round => (i % TERM_EVERY === 3 ? { ...r, kill: { mode: 'term', delayMs: r.kill.delayMs % 3_000 } } : r))
  // the crash halfway, so the liquidation it sets off runs through the second half's kills
  const middle = Math.floor(kills / 2)
  const withCrash = withTerms.map((r, i): Round => (i === middle ? { ...r, steps: [...r.steps, { kind: 'crash' }] } : r))
  return { seed, rounds: withCrash, traders: TRADERS + 1 }
}
