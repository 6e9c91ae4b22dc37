export * from './volatility/index.js'
export * from './correlation/index.js'
export * from './concentration/index.js'
export * from './parameterSets/index.js'
