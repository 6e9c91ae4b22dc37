import type { CorrelationMatrix } from '../correlation/rollingCorrelation.js'

/** Which bound shaped a parameter at an update. */
export type BoundHit = {
  /** `sigmaHorizon.<underlying>` or `maxCredit` */
  parameter: string
  /**
   * `stressed`: the stressed-period weight lifted σ above the realised one (or held the credit below the realised
   * one); `stepUp` / `stepDown`: the per-update bound clipped the move
   */
  bound: 'stressed' | 'stepUp' | 'stepDown'
  /** the value the market inputs alone would give */
  target: number
  /** the value in force */
  value: number
}

/** What the market showed at a recalibration. */
export type CalibrationInputs = {
  /** realised σ of the log return over the grid horizon, per underlying (e.g. `estimateVolatility(...).sigmaHorizon`) */
  realizedSigmaHorizon: Readonly<Record<string, number>>
  /** rolling correlation of the underlyings' returns, when tracked */
  correlation?: CorrelationMatrix
}

/**
 * One version of the risk parameters. Immutable: a recalibration makes a new version, and an account margined under
 * an older one can keep it for the grace window (`parameterSetFor`).
 */
export type ParameterSet = {
  /** 1, 2, … strictly increasing */
  version: number
  /** when the set took effect, unix ms */
  effectiveAtMs: number
  /** σ of the log return over the grid horizon in force, per underlying (drives the grid, `engineConfigFor`) */
  sigmaHorizon: Readonly<Record<string, number>>
  /** diversification cap in force, 0..1 (`PortfolioParams.diversification.maxCredit`) */
  maxCredit: number
  /** σ multiple of the grid's core move under this set (`ParameterSetPolicy.coverage`); absent = the grid's `sigmaCoverage` */
  coverage?: number
  /** what moved it: the inputs and the bounds that bound */
  movedBy: {
    realizedSigmaHorizon: Readonly<Record<string, number>>
    /** mean |ρ| over the tracked pairs, null without a correlation */
    meanAbsCorrelation: number | null
    correlation: CorrelationMatrix | null
    bounds: readonly BoundHit[]
  }
}

/**
 * The anti-procyclicality policy (Commission Delegated Regulation (EU) No 153/2013, Art. 28, under EMIR Art. 41(1)):
 * stressed observations keep a weight in every calibration (Art. 28(1)(b): "at least 25% weight to stressed
 * observations"), each parameter moves by at most a bounded step per update and updates are spaced by a cooldown (no
 * "big step changes", Art. 28(1)), and accounts keep their set for a grace window after a recalibration.
 */
export type ParameterSetPolicy = {
  /** σ over the grid horizon in the stressed period, per underlying (`*` for the rest), e.g. `stressedSigmaHorizon` */
  stressedSigmaHorizon: Readonly<Record<string, number>>
  /** mean |ρ| of the stressed period, 0..1 */
  stressedMeanAbsCorrelation: number
  /** weight of the stressed period, 0.25..1 (Art. 28(1)(b)) */
  stressedWeight: number
  /** largest relative rise of σ per update, e.g. 0.25 = +25% */
  maxStepUp: number
  /** largest relative fall of σ per update, e.g. 0.1 = −10% */
  maxStepDown: number
  /** largest change of maxCredit per update, absolute, e.g. 0.05 */
  maxCreditStep: number
  /** least time between two versions, seconds */
  cooldownSeconds: number
  /** relative change of every σ (and absolute of maxCredit) below which no new version is made */
  minChange: number
  /** how long an account that adds no risk keeps the set it was last margined under, seconds */
  graceSeconds: number
  /**
   * σ multiple of the core move (`maxMove = coverage × σ_horizon`), carried into every set; default the grid's
   * `sigmaCoverage` (a normal quantile). `FILTERED_COVERAGE_999` is the measured fat-tailed one.
   */
  coverage?: number
  /** the published diversification cap and its shrinkage with correlation (`effectiveMaxCredit`) */
  maxCredit: number
  referenceCorrelation?: number
  correlationExponent?: number
}

/** The sets a hub has published, oldest first, with the grace window they are read with. */
export type ParameterSetHistory = {
  sets: readonly ParameterSet[]
  graceSeconds: number
}
