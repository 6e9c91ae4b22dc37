import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * `unimargin_relayer_fallbacks_total{chain, from, to}`: commands re-sent over the other transport (`wormhole`,
 * `layerzero`) after their route stalled or their attempts ran out; `chain` is the destination's configured name.
 */
export const relayerFallbacks = new Counter({
  name: 'unimargin_relayer_fallbacks_total',
  help: 'Commands re-sent over the other transport, by destination chain and transports',
  labelNames: ['chain', 'from', 'to'],
  registers: [],
})

/**
 * `unimargin_relayer_fee_bumps_total{chain, result}`: stuck relayer transactions sent again with higher fees
 * (`result` `sent`), replacements the node refused (`refused`, often because a version was mined meanwhile) and
 * transactions given up on after the last replacement (`gave_up`).
 */
export const relayerFeeBumps = new Counter({
  name: 'unimargin_relayer_fee_bumps_total',
  help: 'Relayer transactions sent again with higher fees, by chain and result (sent, refused, gave_up)',
  labelNames: ['chain', 'result'],
  registers: [],
})

/** `unimargin_relayer_dead_letters_total{chain, kind}`: commands this process's relayer dead-lettered. */
export const relayerDeadLetters = new Counter({
  name: 'unimargin_relayer_dead_letters_total',
  help: 'Commands dead-lettered by the relayer, by destination chain and command kind',
  labelNames: ['chain', 'kind'],
  registers: [],
})

/**
 * `unimargin_relayer_pending_nonces{chain}`: the relayer's own transactions sent and not yet settled, as its fee
 * bumper tracks them (the local view of `unimargin_relayer_pending_transactions`, which asks the node).
 */
export const relayerPendingNonces = new Gauge({
  name: 'unimargin_relayer_pending_nonces',
  help: "The relayer's transactions sent and not yet mined, as its fee bumper tracks them, by chain",
  labelNames: ['chain'],
  registers: [],
})

/** Adds the relayer's series (fallbacks, fee bumps, dead letters, pending nonces) to `registry`. */
export function registerRelayerMetrics(registry: Registry): void {
  for (const metric of [relayerFallbacks, relayerFeeBumps, relayerDeadLetters, relayerPendingNonces]) registry.registerMetric(metric)
}
