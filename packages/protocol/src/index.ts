export * from './command/index.js'
export * from './vaa/index.js'
