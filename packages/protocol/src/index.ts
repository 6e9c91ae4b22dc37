export * from './command/index.js'
export * from './vaa/index.js'
export * from './position-report/index.js'
export * from './layerzero/index.js'
