/**
 * The IR between the compiler and every consumer: Ambassador's own Mapping
 * fields and names (getambassador.io v2 spec shape, flattened). Both real
 * Ambassador (after render) and the embedded gateway (via routing/) consume it.
 */
import type { SourceRef } from '../api/deployment-spec.js';

export interface CircuitBreaker {
  priority?: 'default' | 'high';
  max_connections?: number;
  max_pending_requests?: number;
  max_requests?: number;
  max_retries?: number;
}

export type RetryOn =
  | '5xx'
  | 'gateway-error'
  | 'connect-failure'
  | 'retriable-4xx'
  | 'refused-stream'
  | 'retriable-status-codes';

export interface RetryPolicy {
  retry_on?: RetryOn;
  num_retries?: number;
  per_try_timeout?: string;
}

export interface LoadBalancer {
  policy: 'round_robin' | 'least_request' | 'ring_hash' | 'maglev';
}

export interface Mapping {
  name: string;
  namespace?: string;
  prefix: string;
  prefix_regex?: boolean;
  /** Absent = Ambassador's default `/`; `""` = no rewrite. */
  rewrite?: string;
  service: string;
  method?: string;
  host?: string;
  hostname?: string;
  /** The Host the upstream request carries instead of the client's. */
  host_rewrite?: string;
  headers?: Record<string, string | boolean>;
  regex_headers?: Record<string, string>;
  query_parameters?: Record<string, string | boolean>;
  regex_query_parameters?: Record<string, string>;
  precedence?: number;
  weight?: number;
  shadow?: boolean;
  grpc?: boolean;
  timeout_ms?: number;
  idle_timeout_ms?: number;
  connect_timeout_ms?: number;
  retry_policy?: RetryPolicy;
  circuit_breakers?: CircuitBreaker[];
  load_balancer?: LoadBalancer;
  /** Always a list in the IR; render writes a string for the v1 form. Absent = `default`. */
  ambassador_id?: string[];
  tls?: string | boolean;
  cluster_tag?: string;
  labels?: Record<string, unknown>;
  /**
   * Other valid Ambassador Mapping fields (e.g. `cors`, `add_request_headers`) from a
   * hand-written or custom Mapping: kept so render passes them through; the embedded
   * gateway ignores them (the loader warns).
   */
  extra?: Record<string, unknown>;
  /** Where this Mapping came from (a deployment, a custom annotation, a Mapping file). */
  origin?: MappingOrigin;
}

export interface MappingOrigin {
  source: SourceRef;
  /** `SeldonDeployment ns/name` or `Mapping name`. */
  resource: string;
  /** The predictor that produced it, when generated. */
  predictor?: string;
  /** True when generated for the predictor's explainer. */
  explainer?: boolean;
}

export interface TLSContext {
  name: string;
  namespace?: string;
  hosts: string[];
  secret: string;
  ambassador_id?: string[];
  origin?: MappingOrigin;
}

/**
 * A backend Service the generated Mappings point at, as Seldon Core creates it
 * (one per predictor, one per explainer). The `ambassador-v1` render attaches the
 * `getambassador.io/config` annotation to these.
 */
export interface BackendService {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  ports: { name: string; port: number }[];
  origin: MappingOrigin;
}

/** What the compiler produces for one deployment. */
export interface AmbassadorConfig {
  mappings: Mapping[];
  tlsContexts: TLSContext[];
  /** Backend Services of generated deployments (absent for loaded Mapping files). */
  services?: BackendService[];
}
