export { GATEWAY_METRICS, statusClass } from './gateway-metric-names.js';
export type { GatewayMetrics } from './gateway-metrics.js';
export { createGatewayMetrics, DURATION_BUCKETS } from './gateway-metrics.js';
export type { RequestObserver, ShadowComparisonRecorder } from './gateway-sink.js';
export { gatewayRequestObserver, shadowComparisonRecorder } from './gateway-sink.js';
export type { RegistryOptions } from './registry.js';
export { createRegistry } from './registry.js';
