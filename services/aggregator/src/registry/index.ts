export { applyRegistryEvent, isRegistryEvent } from './applyRegistryEvent.js'
export { joinRecordedVault } from './joinRecordedVault.js'
