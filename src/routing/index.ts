export type { BuildOptions } from './build-route-table.js';
export { belongsTo, buildRouteTable, DEFAULT_TIMEOUT_MS, mappingId } from './build-route-table.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, ENVOY_BREAKER_DEFAULTS } from './cluster-spec.js';
export { CODES as ROUTING_CODES } from './codes.js';
export type { MatchRequest, RouteMatch } from './match-route.js';
export { matchRoute, pickTarget, shouldMirror } from './match-route.js';
export { normalizeWeights, sharesOf } from './normalize-weights.js';
export { rewritePath } from './rewrite-path.js';
export type {
  CircuitBreakerLimits,
  ClusterSpec,
  HeaderMatch,
  MirrorSpec,
  QueryMatch,
  RetrySpec,
  Route,
  RouteMatchSpec,
  RouteTable,
  WeightedTarget,
} from './route-table.js';
