/**
 * A Mapping's fields as plain data in one fixed key order (Seldon Core's for
 * the fields it writes), so every render is deterministic and the v1
 * annotation text matches Seldon's byte for byte where we agree with it.
 */
import type { CircuitBreaker, Mapping, RetryPolicy } from './mapping.js';

type Body = Record<string, unknown>;

/** Fields Ambassador 1.x accepts in an `ambassador/v1` annotation (its v1 Mapping schema). */
export const V1_ANNOTATION_FIELDS = new Set([
  'add_linkerd_headers',
  'add_request_headers',
  'add_response_headers',
  'ambassador_id',
  'auto_host_rewrite',
  'bypass_auth',
  'case_sensitive',
  'circuit_breakers',
  'cluster_idle_timeout_ms',
  'connect_timeout_ms',
  'cors',
  'enable_ipv4',
  'enable_ipv6',
  'envoy_override',
  'grpc',
  'headers',
  'host',
  'host_redirect',
  'host_regex',
  'host_rewrite',
  'idle_timeout_ms',
  'keepalive',
  'labels',
  'load_balancer',
  'metadata_labels',
  'method',
  'method_regex',
  'modules',
  'outlier_detection',
  'path_redirect',
  'precedence',
  'prefix',
  'prefix_regex',
  'priority',
  'regex_headers',
  'remove_request_headers',
  'remove_response_headers',
  'resolver',
  'retry_policy',
  'rewrite',
  'service',
  'shadow',
  'timeout_ms',
  'tls',
  'use_websocket',
  'weight',
]);

export function sortedMap<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k] as T]),
  );
}

function retryPolicy(r: RetryPolicy): Body {
  const out: Body = {};
  if (r.retry_on !== undefined) out.retry_on = r.retry_on;
  if (r.num_retries !== undefined) out.num_retries = r.num_retries;
  if (r.per_try_timeout !== undefined) out.per_try_timeout = r.per_try_timeout;
  return out;
}

function circuitBreaker(c: CircuitBreaker): Body {
  const out: Body = {};
  for (const k of [
    'priority',
    'max_connections',
    'max_pending_requests',
    'max_requests',
    'max_retries',
  ] as const) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  return out;
}

/**
 * The Mapping's routing fields (no name/namespace/origin), ordered. `ambassador_id`
 * is left as the IR list; each form writes it its own way.
 */
export function mappingBody(m: Mapping): Body {
  const b: Body = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined) b[k] = v;
  };
  set('grpc', m.grpc);
  set('prefix', m.prefix);
  set('prefix_regex', m.prefix_regex);
  set('rewrite', m.rewrite);
  set('service', m.service);
  set('timeout_ms', m.timeout_ms);
  set('idle_timeout_ms', m.idle_timeout_ms);
  set('connect_timeout_ms', m.connect_timeout_ms);
  set('method', m.method);
  set('host', m.host);
  set('hostname', m.hostname);
  set('host_rewrite', m.host_rewrite);
  set('headers', m.headers && sortedMap(m.headers));
  set('regex_headers', m.regex_headers && sortedMap(m.regex_headers));
  set('query_parameters', m.query_parameters && sortedMap(m.query_parameters));
  set('regex_query_parameters', m.regex_query_parameters && sortedMap(m.regex_query_parameters));
  set('precedence', m.precedence);
  set('weight', m.weight);
  set('shadow', m.shadow);
  set('retry_policy', m.retry_policy && retryPolicy(m.retry_policy));
  set('circuit_breakers', m.circuit_breakers?.map(circuitBreaker));
  set('load_balancer', m.load_balancer && { policy: m.load_balancer.policy });
  set('cluster_tag', m.cluster_tag);
  set('labels', m.labels);
  set('ambassador_id', m.ambassador_id && [...m.ambassador_id]);
  set('tls', m.tls);
  if (m.extra) for (const k of Object.keys(m.extra).sort()) set(k, m.extra[k]);
  return b;
}
