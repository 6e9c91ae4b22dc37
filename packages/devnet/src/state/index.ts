export { decodeDump, type Manifest, readManifest, stateKey, statePaths, writeState } from './cache.js'
