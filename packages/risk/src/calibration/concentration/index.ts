export { checkConcentrationParams, type ConcentrationParams, concentrationAddOnUsd, impactCostUsd } from './concentrationAddOn.js'
