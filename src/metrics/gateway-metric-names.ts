/** Every gateway metric name in one place (Envoy's stat names, sdep_gateway_ prefix). */
export const GATEWAY_METRICS = {
  requests: 'sdep_gateway_requests_total',
  requestDuration: 'sdep_gateway_request_duration_seconds',
  upstreamServiceTime: 'sdep_gateway_upstream_service_time_seconds',
  noRoute: 'sdep_gateway_no_route_total',
  pendingOverflow: 'sdep_gateway_upstream_rq_pending_overflow_total',
  retries: 'sdep_gateway_retries_total',
  retryOverflow: 'sdep_gateway_upstream_rq_retry_overflow_total',
  timeouts: 'sdep_gateway_upstream_rq_timeout_total',
  connectFailures: 'sdep_gateway_upstream_cx_connect_fail_total',
  activeRequests: 'sdep_gateway_upstream_rq_active',
  shadowRequests: 'sdep_gateway_shadow_requests_total',
  shadowComparisons: 'sdep_gateway_shadow_comparisons_total',
  shadowCompareDuration: 'sdep_gateway_shadow_compare_duration_seconds',
  tableReloads: 'sdep_gateway_route_table_reloads_total',
  tableRoutes: 'sdep_gateway_route_table_routes',
  tableClusters: 'sdep_gateway_route_table_clusters',
} as const;

/** `2xx`, `4xx`, ...: the status_class label. */
/** Status classes, indexed by statusClassIndex. */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

export function statusClassIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) - 1 : 5;
}

export function statusClass(status: number): string {
  return STATUS_CLASSES[statusClassIndex(status)]!;
}
