import { z } from 'zod'

/**
 * How route latencies are measured and turned into safety buffers (architecture: latency-aware safety buffers).
 * A route's latency is the time from publishing a command on the hub to its execution on the destination vault,
 * as the relayer records it; p50/p99 come from the last `windowSize` samples younger than `maxSampleAgeSeconds`.
 * Until a route has `minSamples`, its latency is seeded: hub finality (hub confirmations × block time) +
 * `attestationMs` + destination inclusion (one destination block time), or `seedMs` of the route when given.
 * Buffers are `z · σ · sqrt(p99 / H)` with σ the P&L sigma of the portfolio engine over its horizon H.
 */
export const latencySchema = z.strictObject({
  /** confidence multiplier z_α of the buffers (2.33 ≈ one-sided 99%) */
  z: z.number().min(0).max(10).default(2.33),
  windowSize: z.number().int().positive().default(200),
  minSamples: z.number().int().positive().default(20),
  maxSampleAgeSeconds: z.number().int().positive().default(86_400),
  /** guardian attestation (or DVN verification) time assumed before samples exist, ms */
  attestationMs: z.number().int().min(0).default(1_000),
  /** per destination chain: a seed latency overriding the computed one, ms */
  seedMs: z.record(z.string(), z.number().int().min(0)).default({}),
})

export type LatencyConfig = z.output<typeof latencySchema>
