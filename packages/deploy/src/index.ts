export { connect, type NetworkContexts } from './clients.js'
export { confirm, type DeployContext, deployed } from './context.js'
export { type ContractDeployment, type HubParams, hubDeployment, type VaultParams, vaultDeployment } from './contracts.js'
export { type DeployOptions, type DeployRow, type DeployStatus, deployedAddresses, deployNetwork } from './deploy.js'
export { DeployError, DeploymentSpecError } from './errors.js'
export { loadDeploymentFile } from './load.js'
export {
  type DeployChainSpec,
  type DeploymentSpec,
  type DeploymentSpecInput,
  defineDeployment,
  deploymentSchema,
  type UlnConfig,
} from './spec.js'
export { type DeployedEntry, type DeploymentState, readState, writeState } from './state.js'
export { type DeployStep, deploySteps } from './steps.js'
export { type WireOptions, type WireRow, type WireStatus, wireNetwork } from './wire.js'
export { calldataOf, type WiringCall, type WiringItem, wantedWiring } from './wiring.js'
