/**
 * Mapping → ClusterSpec, deduplicated by service + settings. Names are
 * Ambassador-like (`cluster_<service sanitised>`, with the cluster_tag when
 * given) and stable across reloads: settings that differ from the defaults
 * add a short hash of those settings, so an unchanged cluster keeps its name
 * (and the data plane keeps its connection pool).
 */
import type { CircuitBreaker, Mapping } from '../ambassador/mapping.js';
import type { CircuitBreakerLimits, ClusterSpec } from './route-table.js';

export const ENVOY_BREAKER_DEFAULTS: CircuitBreakerLimits = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
};
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/** The default-priority breaker entry (Envoy applies `high` only to high-priority routes). */
export function breakerLimits(list: readonly CircuitBreaker[] | undefined): CircuitBreakerLimits {
  const cb = list?.find((c) => (c.priority ?? 'default') === 'default');
  return {
    maxConnections: cb?.max_connections ?? ENVOY_BREAKER_DEFAULTS.maxConnections,
    maxPendingRequests: cb?.max_pending_requests ?? ENVOY_BREAKER_DEFAULTS.maxPendingRequests,
    maxRequests: cb?.max_requests ?? ENVOY_BREAKER_DEFAULTS.maxRequests,
    maxRetries: cb?.max_retries ?? ENVOY_BREAKER_DEFAULTS.maxRetries,
  };
}

/** Settings Ambassador requires to be identical across a group, each as comparable text. */
export function groupSettings(
  m: Mapping,
): Record<'circuit_breakers' | 'connect_timeout_ms' | 'load_balancer', string> {
  return {
    circuit_breakers: JSON.stringify(breakerLimits(m.circuit_breakers)),
    connect_timeout_ms: String(m.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS),
    load_balancer: m.load_balancer?.policy ?? 'round_robin',
  };
}

/** Names of the group-wide settings in which `m` differs from `reference`. */
export function groupSettingsDiffer(reference: Mapping, m: Mapping): string[] {
  const a = groupSettings(reference);
  const b = groupSettings(m);
  return (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]);
}

function sanitize(s: string): string {
  return s.replace(/[^0-9A-Za-z_]/g, '_');
}

/** FNV-1a 32-bit: a short, deterministic fingerprint for names. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function clusterSpecFor(
  m: Mapping,
): Omit<ClusterSpec, 'name'> & { baseName: string; settings: string } {
  const tls =
    m.service.startsWith('https://') || m.tls === true || (typeof m.tls === 'string' && m.tls !== '');
  const bare = m.service.replace(/^[a-z]+:\/\//, '');
  const circuitBreaker = breakerLimits(m.circuit_breakers);
  const loadBalancer = m.load_balancer?.policy ?? 'round_robin';
  const connectTimeoutMs = m.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const http2 = m.grpc === true;
  const nonDefault = {
    breaker: m.circuit_breakers?.length ? circuitBreaker : undefined,
    loadBalancer: loadBalancer === 'round_robin' ? undefined : loadBalancer,
    connectTimeoutMs: connectTimeoutMs === DEFAULT_CONNECT_TIMEOUT_MS ? undefined : connectTimeoutMs,
    http2: http2 || undefined,
  };
  const settings = JSON.stringify(nonDefault);
  const tag = m.cluster_tag ? `${sanitize(m.cluster_tag)}_` : '';
  const base = `cluster_${tag}${sanitize(bare)}${tls ? '_otls' : ''}`;
  const spec: Omit<ClusterSpec, 'name'> & { baseName: string; settings: string } = {
    baseName: settings === '{}' ? base : `${base}_${fnv1a(settings)}`,
    settings: `${m.service}|${tls}|${tag}|${settings}`,
    service: m.service,
    circuitBreaker,
    loadBalancer,
    connectTimeoutMs,
    http2,
    tls,
  };
  if (m.circuit_breakers?.length) spec.circuitBreakers = m.circuit_breakers;
  return spec;
}

/** Assigns unique names: same service + settings → same cluster. */
export class ClusterRegistry {
  readonly clusters = new Map<string, ClusterSpec>();
  readonly #bySettings = new Map<string, string>();

  clusterFor(m: Mapping): string {
    const { baseName, settings, ...rest } = clusterSpecFor(m);
    const known = this.#bySettings.get(settings);
    if (known) return known;
    let name = baseName;
    // Two services may sanitise to the same text (`a.b` vs `a_b`): the later one gets a
    // fingerprint of its own settings, so its name does not depend on how many came before.
    if (this.clusters.has(name)) name = `${baseName}_${fnv1a(settings)}`;
    for (let i = 1; this.clusters.has(name); i++) name = `${baseName}_${fnv1a(settings)}_${i}`;
    this.clusters.set(name, { name, ...rest });
    this.#bySettings.set(settings, name);
    return name;
  }
}
