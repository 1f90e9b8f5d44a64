/**
 * The diag document (`/ambassador/v0/diag/?json=true`), keyed as
 * Ambassador's where the concept is the same: route_info[] in evaluation
 * order with clusters[{name, service, weight, type_label}], errors as
 * [resource, message] pairs, notices. Pure: table + findings → JSON.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { sharesOf } from '../../routing/normalize-weights.js';
import type { ClusterSpec, Route, RouteTable } from '../../routing/route-table.js';

export interface DiagCluster {
  name: string;
  service: string;
  /** Share of the route's requests (percent); for the shadow, the share mirrored. */
  weight: number;
  /** `http`, `grpc`, or `shadow`. */
  type_label: 'http' | 'grpc' | 'shadow';
  mapping: string;
  rewrite: string | null;
  timeout_ms: number;
}

export interface DiagHeader {
  name: string;
  value: string | true;
  regex: boolean;
}

export interface DiagRoute {
  key: string;
  prefix: string;
  prefix_regex: boolean;
  /** The first target's rewrite (Ambassador shows one per group); per-target values are in clusters. */
  rewrite: string | null;
  method?: string;
  host?: string;
  headers: DiagHeader[];
  query_parameters: DiagHeader[];
  precedence: number;
  grpc: boolean;
  unrouted_percent: number;
  retry_policy?: { retry_on: string; num_retries: number; per_try_timeout_ms?: number };
  clusters: DiagCluster[];
}

export interface DiagClusterInfo {
  service: string;
  circuit_breakers: {
    max_connections: number;
    max_pending_requests: number;
    max_requests: number;
    max_retries: number;
  };
  load_balancer: string;
  connect_timeout_ms: number;
  http2: boolean;
  tls: boolean;
}

export interface DiagNotice {
  level: 'WARNING' | 'NOTICE';
  message: string;
}

export interface DiagDocument {
  system: {
    version: string;
    ambassador_id: string | null;
    ready: boolean;
    route_count: number;
    cluster_count: number;
  };
  route_info: DiagRoute[];
  cluster_info: Record<string, DiagClusterInfo>;
  errors: [string, string][];
  notices: DiagNotice[];
}

function messageOf(d: Diagnostic): string {
  return `${d.path ? `${d.path}: ` : ''}${d.message} [${d.code}]`;
}

function routeInfo(route: Route, clusters: ReadonlyMap<string, ClusterSpec>): DiagRoute {
  const shares = sharesOf(route.targets.map((t) => t.cumulative));
  const out: DiagRoute = {
    key: route.id,
    prefix: route.match.prefix,
    prefix_regex: route.match.regex !== undefined,
    rewrite: route.targets[0]?.rewrite ?? null,
    headers: [],
    query_parameters: [],
    precedence: route.precedence,
    grpc: route.grpc,
    unrouted_percent: route.unroutedPercent,
    clusters: route.targets.map((t, i) => ({
      name: t.cluster,
      service: clusters.get(t.cluster)?.service ?? '',
      weight: shares[i]!,
      type_label: route.grpc ? 'grpc' : 'http',
      mapping: t.mapping,
      rewrite: t.rewrite,
      timeout_ms: t.timeoutMs,
    })),
  };
  if (route.match.method) out.method = route.match.method;
  for (const h of route.match.headers) {
    if (h.name === ':authority') out.host = h.value ?? '*';
    else
      out.headers.push({
        name: h.name,
        value: h.kind === 'present' ? true : (h.value ?? ''),
        regex: h.kind === 'regex',
      });
  }
  for (const q of route.match.query) {
    out.query_parameters.push({
      name: q.name,
      value: q.kind === 'present' ? true : (q.value ?? ''),
      regex: q.kind === 'regex',
    });
  }
  if (route.retry) {
    out.retry_policy = { retry_on: route.retry.retryOn, num_retries: route.retry.numRetries };
    if (route.retry.perTryTimeoutMs !== undefined)
      out.retry_policy.per_try_timeout_ms = route.retry.perTryTimeoutMs;
  }
  if (route.mirror) {
    out.clusters.push({
      name: route.mirror.cluster,
      service: clusters.get(route.mirror.cluster)?.service ?? '',
      weight: route.mirror.percent,
      type_label: 'shadow',
      mapping: route.mirror.mapping,
      rewrite: route.mirror.rewrite,
      timeout_ms: route.mirror.timeoutMs,
    });
  }
  return out;
}

export function diagDocument(
  table: RouteTable | undefined,
  extraDiagnostics: readonly Diagnostic[] = [],
  version = 'sdep',
): DiagDocument {
  const diagnostics = [...extraDiagnostics, ...(table?.diagnostics ?? [])];
  const cluster_info: Record<string, DiagClusterInfo> = {};
  for (const [name, c] of table?.clusters ?? []) {
    cluster_info[name] = {
      service: c.service,
      circuit_breakers: {
        max_connections: c.circuitBreaker.maxConnections,
        max_pending_requests: c.circuitBreaker.maxPendingRequests,
        max_requests: c.circuitBreaker.maxRequests,
        max_retries: c.circuitBreaker.maxRetries,
      },
      load_balancer: c.loadBalancer,
      connect_timeout_ms: c.connectTimeoutMs,
      http2: c.http2,
      tls: c.tls,
    };
  }
  return {
    system: {
      version,
      ambassador_id: table?.ambassadorId ?? null,
      ready: table !== undefined,
      route_count: table?.routes.length ?? 0,
      cluster_count: table?.clusters.size ?? 0,
    },
    route_info: table ? table.routes.map((r) => routeInfo(r, table.clusters)) : [],
    cluster_info,
    errors: diagnostics.filter((d) => d.severity === 'error').map((d) => [d.resource, messageOf(d)]),
    notices: diagnostics
      .filter((d) => d.severity === 'warning')
      .map((d) => ({ level: 'WARNING', message: `${d.resource}: ${messageOf(d)}` })),
  };
}
