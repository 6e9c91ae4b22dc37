export { createCoSignerApp, type CreateCoSignerAppParameters } from './app.js'
export { type CheckParameters, checkCommand, type Refusal, type Verdict } from './checks.js'
export { type RunningCoSigner, startCoSigner, type StartCoSignerParameters } from './service.js'
