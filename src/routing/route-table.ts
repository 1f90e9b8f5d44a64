/**
 * RouteTable: what routing/ builds from Mapping[] and the gateway data plane
 * holds (Envoy nouns: routes in evaluation order, weighted clusters, mirror
 * policies). Built fully, then swapped in atomically; never mutated after.
 */
import type { CircuitBreaker, LoadBalancer, RetryOn } from '../ambassador/mapping.js';
import type { Diagnostic } from '../core/diagnostic.js';

export interface HeaderMatch {
  /** Lower-case header name (`:authority` for host / hostname). */
  name: string;
  /** `present`: header exists; `exact`: equals value; `regex`: full-match of value. */
  kind: 'present' | 'exact' | 'regex';
  value?: string;
  regex?: RegExp;
}

export interface QueryMatch {
  name: string;
  kind: 'present' | 'exact' | 'regex';
  value?: string;
  regex?: RegExp;
}

export interface RouteMatchSpec {
  /** Raw, case-sensitive string prefix; ignored when `regex` is set. */
  prefix: string;
  /** Full-match regex on the path (Mapping `prefix_regex: true`). */
  regex?: RegExp;
  method?: string;
  headers: HeaderMatch[];
  query: QueryMatch[];
}

export interface RetrySpec {
  retryOn: RetryOn;
  numRetries: number;
  perTryTimeoutMs?: number;
}

/** One Mapping's share of a group. */
export interface WeightedTarget {
  mapping: string;
  cluster: string;
  /** Upper bound of this target's slice of [0, 100): draw < cumulative picks it. */
  cumulative: number;
  /** Replacement for the matched prefix; null = no rewrite (Mapping `rewrite: ""`). */
  rewrite: string | null;
  timeoutMs: number;
  idleTimeoutMs?: number;
  /** Mapping host_rewrite, when given. */
  hostRewrite?: string;
}

export interface MirrorSpec {
  mapping: string;
  cluster: string;
  /** Share of requests mirrored, 0–100. */
  percent: number;
  rewrite: string | null;
  timeoutMs: number;
}

/** A group: Mappings with the same match, in evaluation order. */
export interface Route {
  /** Stable id, e.g. the group key; used in diag and metrics. */
  id: string;
  match: RouteMatchSpec;
  precedence: number;
  grpc: boolean;
  targets: WeightedTarget[];
  /** Share of requests (0–100) no target takes: they fall through to later routes. */
  unroutedPercent: number;
  mirror?: MirrorSpec;
  retry?: RetrySpec;
}

export interface CircuitBreakerLimits {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
}

export interface ClusterSpec {
  /** Ambassador-style cluster name, unique in the table. */
  name: string;
  /** The Mapping `service` as written (`host:port`, `svc.ns:port`, optional scheme). */
  service: string;
  /** Envoy defaults (1024/1024/1024/3) where the Mapping sets none. */
  circuitBreaker: CircuitBreakerLimits;
  loadBalancer: LoadBalancer['policy'];
  connectTimeoutMs: number;
  /** Upstream speaks h2c (gRPC Mappings). */
  http2: boolean;
  /** Upstream uses TLS (service `https://...` or Mapping `tls`). */
  tls: boolean;
  /** Raw breaker settings from the Mappings, for diag. */
  circuitBreakers?: CircuitBreaker[];
}

export interface RouteTable {
  readonly ambassadorId: string;
  /** Evaluation order: first match wins. */
  readonly routes: readonly Route[];
  readonly clusters: ReadonlyMap<string, ClusterSpec>;
  /** Findings while building (bad Mappings left out, warnings). */
  readonly diagnostics: readonly Diagnostic[];
}
