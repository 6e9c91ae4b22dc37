export * from './command/index.js'
export * from './vaa/index.js'
export * from './position-report/index.js'
