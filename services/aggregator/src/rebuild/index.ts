export { COMPARED_TABLES, canonical, compareDerivedState, type StateDifference } from './compareDerivedState.js'
export { FACT_COMMAND_KINDS, type ReplayDivergence, type ReplayInputsParameters, type ReplayReport, replayInputs, sentCommandIds } from './replayInputs.js'
export { type RebuildVerification, verifyRebuild } from './verifyRebuild.js'
