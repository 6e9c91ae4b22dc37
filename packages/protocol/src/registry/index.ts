export { VAULT_REGISTRATION_TYPES } from './types.js'
