import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import type { DbOrTx } from '@unimargin/db'
import type { ParameterSet } from '@unimargin/risk'
import type { ParameterSetStore } from '../../riskParameters/index.js'

const setJson = (s: ParameterSet) => ({
  version: s.version,
  /** unix s */
  effectiveAt: Math.floor(s.effectiveAtMs / 1000),
  sigmaHorizon: s.sigmaHorizon,
  maxCredit: s.maxCredit,
  movedBy: { realizedSigmaHorizon: s.movedBy.realizedSigmaHorizon, meanAbsCorrelation: s.movedBy.meanAbsCorrelation, correlation: s.movedBy.correlation, bounds: s.movedBy.bounds },
})

const SetSchema = z.object({
  version: z.number(),
  effectiveAt: z.number().openapi({ description: 'unix s' }),
  sigmaHorizon: z.record(z.string(), z.number()),
  maxCredit: z.number(),
  movedBy: z.object({
    realizedSigmaHorizon: z.record(z.string(), z.number()),
    meanAbsCorrelation: z.number().nullable(),
    correlation: z.unknown(),
    bounds: z.array(z.object({ parameter: z.string(), bound: z.string(), target: z.number(), value: z.number() })).readonly(),
  }),
})
const ParametersSchema = z
  .object({
    current: SetSchema.nullable(),
    realizedSigmaHorizon: z.unknown(),
    correlation: z.unknown(),
    policy: z.unknown(),
    history: z.array(SetSchema),
  })
  .openapi('RiskParameters')
const route = createRoute({
  method: 'get',
  path: '/parameters',
  tags: ['risk'],
  summary: "The hub's risk parameter sets: current, market inputs, policy, history",
  responses: { 200: json(ParametersSchema, 'The risk parameters'), ...errorResponses(429) },
})

/**
 * `GET /v1/risk/parameters`: the hub's risk parameters. `current` is the latest set (null before the first
 * calibration) with its version, effective time, σ over the grid horizon per underlying, diversification cap and
 * what moved it; `realizedSigmaHorizon` and `correlation` are the latest market inputs; `policy` the
 * anti-procyclicality bounds; `history` every set, newest first.
 */
export function riskParameterRoutes(deps: { db: DbOrTx; store: ParameterSetStore }) {
  return openApiRouter().openapi(route, async (c) => {
    const state = await deps.store.state(deps.db)
    const sets = state.history.sets
    const latest = sets[sets.length - 1]
    return c.json({
      current: latest ? setJson(latest) : null,
      realizedSigmaHorizon: state.realizedSigmaHorizon,
      correlation: state.correlation,
      policy: state.policy,
      history: [...sets].reverse().map(setJson),
    }, 200)
  })
}
