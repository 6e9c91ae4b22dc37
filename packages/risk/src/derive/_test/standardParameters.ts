/**
 * The parameters every Derive PMRM_2 case file shares besides its scenario list (skew and vol shocks, margin factors,
 * basis and other contingencies), in case-file shape: Derive's standard set as the shared cases carry it (e.g.
 * `shared/data/derive_pmrm2/test_10_collateral_negative_margin_from_collateral.json`). For tests and benchmarks that
 * build cases; spread a case's own values over it.
 */
export const DERIVE_STANDARD_PARAMETERS = {
  SkewShock: {
    LINEAR_SCALE_CAP: 0.15,
    LINEAR_CBASE: -0.05,
    ABS_SCALE_CAP: 0.15,
    ABS_CBASE: -0.05,
    MIN_K_STAR: 0.01,
    MIN_WIDTH_SCALE: 4,
    VOL_PARAM_STATIC: 0.6,
    VOL_PARAM_SCALE: -0.1,
  },
  VolShock: {
    VOLRANGEUP: 0.5,
    MIN_VOL_EVAL_SHOCKED: 0.45,
    VOLRANGEDOWN: 0.275,
    SHORTTERMPOWER: 0.3,
    LONGTERMPOWER: 0.13,
    DTE_FLOOR: 1,
  },
  Margin: {
    MM_LOSS_FACTOR: 0.8,
    IM_LOSS_FACTOR: 1,
    SHORT_RATE_MULTSCALE: 0.5,
    LONG_RATE_MULTSCALE: 1,
    SHORT_RATE_ADDSCALE: 0.08,
    LONG_RATE_ADDSCALE: 0.08,
    BASE_STATIC_DISCOUNT: 0.95,
    BASE_STATIC_DISCOUNT_NEG: 1.04,
  },
  BasisContingency: {
    SCENARIO_SPOT_UP: 1.045,
    SCENARIO_SPOT_DOWN: 0.955,
    BASIS_CONT_ADD_FACTOR: 0.5,
    BASIS_CONT_MULT_FACTOR: 2,
  },
  OtherContingency: {
    PEG_LOSS_THRESHOLD: 0.98,
    PEG_LOSS_FACTOR: 2,
    CONF_THRESHOLD: 0.55,
    CONF_MARGIN: 1,
    MM_PERP_PERCENT: 0.015,
    IM_PERP_PERCENT: 0.005,
    MM_OPTION_PERCENT: 0.003,
    IM_OPTION_PERCENT: 0.002,
  },
}
