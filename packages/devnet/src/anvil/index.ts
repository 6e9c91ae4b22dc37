export { anvilBinary } from './binary.js'
export { type Anvil, type AnvilOptions, startAnvil } from './process.js'
