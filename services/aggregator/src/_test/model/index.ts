export { steps } from './commands.js'
export { SimVault } from './simVault.js'
export { modelConfig, resetDatabase, World } from './world.js'
