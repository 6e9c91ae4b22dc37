export { watchedContracts } from './contracts.js'
export { createRegistrySupervisor, type CreateRegistrySupervisorParameters, type RegistrySupervisor } from './supervisor.js'
