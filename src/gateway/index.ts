export { CODES as GATEWAY_CODES } from './codes.js';
export type { DownstreamRequest, DownstreamResponse } from './downstream.js';
export type { Gateway, GatewayLogger, GatewayOptions } from './gateway.js';
export { createGateway, DEFAULT_SHADOW_PIPELINING } from './gateway.js';
export type { GatewayMetricsSink } from './gateway-context.js';
export { createLiteralResolver, parseServiceAddress } from './literal-resolver.js';
export { grpcStatusFor } from './local-reply.js';
export type { Endpoint, ServiceResolver } from './service-resolver.js';
export type {
  ShadowCompareOptions,
  ShadowCompareSink,
  ShadowComparison,
  ShadowResult,
} from './shadow-compare.js';
export { DEFAULT_SHADOW_COMPARE_RATE, ShadowComparer } from './shadow-compare.js';
export type { TlsMaterial, TlsOption } from './tls.js';
