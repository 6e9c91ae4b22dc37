export { DELIVERY_BUCKETS_SECONDS, type RegisterNodeMetricsParameters, registerNodeMetrics } from './nodeMetrics.js'
