export { type Aggregator, createAggregator, type CreateAggregatorParameters } from './createAggregator.js'
