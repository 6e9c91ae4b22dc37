/**
 * Delay before retry number `attempt` (1-based): `base · 2^(attempt−1)`, capped at `max`, with ±20 % jitter so
 * retries of many commands do not land together. Milliseconds.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.8 + 0.4 * random()))
}
