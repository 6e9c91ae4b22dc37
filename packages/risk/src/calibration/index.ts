export * from './volatility/index.js'
