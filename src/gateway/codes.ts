/** Run-time codes of the gateway data plane (each maps to an Envoy local reply and response flag). */
export const CODES = {
  SDEP_GATEWAY_NO_ROUTE: 'no route matched the request (404, flag NR)',
  SDEP_GATEWAY_NO_HEALTHY_UPSTREAM: 'the cluster has no ready endpoint (503 `no healthy upstream`, flag UH)',
  SDEP_GATEWAY_OVERFLOW: 'a circuit breaker of the cluster is full (503 with x-envoy-overloaded, flag UO)',
  SDEP_GATEWAY_UPSTREAM_TIMEOUT: 'the route timeout expired before the upstream answered (504, flag UT)',
  SDEP_GATEWAY_STREAM_IDLE_TIMEOUT:
    'idle_timeout_ms passed with no data from the upstream (504 `stream timeout`, flag SI)',
  SDEP_GATEWAY_CONNECT_FAILURE: 'the upstream refused or did not accept the connection (503, flag UF)',
  SDEP_GATEWAY_UPSTREAM_RESET:
    'the upstream closed or reset the stream before response headers (503, flag UC)',
  SDEP_GATEWAY_PROTOCOL_ERROR: 'the upstream answered with an invalid response (502, flag UPE)',
  SDEP_GATEWAY_RETRIES_EXHAUSTED: 'every retry failed; the last failure is returned (flag URX)',
  SDEP_GATEWAY_BAD_TLS: 'TLS certificate or key could not be loaded or generated',
} as const;

export type GatewayCode = keyof typeof CODES;
