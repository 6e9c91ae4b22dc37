export { defaultScenarioGrid } from './defaultScenarioGrid.js'
export { ScenarioGridError } from './errors.js'
export { expandScenarios } from './expandScenarios.js'
export { parseScenarioGrid } from './parseScenarioGrid.js'
export type {
  ContingencySpec,
  NamedScenarioSpec,
  ScenarioGrid,
  ScenarioSet,
  UnderlyingScenarioParams,
  VolMove,
  VolTermScaling,
} from './types.js'
