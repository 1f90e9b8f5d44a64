/**
 * The gateway's metrics, created once per registry. The data plane records
 * into these; the admin server exposes the registry at /metrics.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram.js';
import { GATEWAY_METRICS as N } from './gateway-metric-names.js';

export interface GatewayMetrics {
  /** Downstream responses: labels cluster, route, status_class (`2xx`...). */
  requests: Counter<'cluster' | 'route' | 'status_class'>;
  /** Downstream request duration, first byte in to last byte out: labels cluster, route. */
  requestDuration: BucketHistogram<'cluster' | 'route'>;
  /** Time spent upstream (x-envoy-upstream-service-time): label cluster. */
  upstreamServiceTime: Histogram<'cluster'>;
  /** Requests no route took (404 NR). */
  noRoute: Counter<never>;
  /** Circuit-breaker overflows (503 UO): labels cluster, limit (`pending`, `requests`, `connections`). */
  pendingOverflow: Counter<'cluster' | 'limit'>;
  /** Retries attempted: label cluster. */
  retries: Counter<'cluster'>;
  /** Retries not attempted because max_retries was reached: label cluster. */
  retryOverflow: Counter<'cluster'>;
  /** Route timeouts (504 UT): label cluster. */
  timeouts: Counter<'cluster'>;
  /** Upstream connect failures (UF): label cluster. */
  connectFailures: Counter<'cluster'>;
  /** Requests in flight upstream: label cluster. */
  activeRequests: Gauge<'cluster'>;
  /** Mirrored requests: labels cluster, outcome (`sent`, `failed`, `skipped`). */
  shadowRequests: Counter<'cluster' | 'outcome'>;
  /**
   * Shadow responses compared with the main's for the same request: labels
   * cluster (the shadow), main_cluster, result (`agree`, `agree_argmax`,
   * `disagree`, `incomparable`, `main_error`, `shadow_error`).
   */
  shadowComparisons: Counter<'cluster' | 'main_cluster' | 'result'>;
  /** Latency of the compared pairs, from the copy being sent: labels cluster (the shadow), side (`main`, `shadow`). */
  shadowCompareDuration: Histogram<'cluster' | 'side'>;
  /** Route table swaps: label result (`ok`, `kept_previous`). */
  tableReloads: Counter<'result'>;
  /** Routes in the serving table. */
  tableRoutes: Gauge<never>;
  /** Clusters in the serving table. */
  tableClusters: Gauge<never>;
  /**
   * Run before `requests` or `shadowRequests` is read (scrape, traffic
   * sampler): the hot path counts into plain numbers and these move them
   * into the counters.
   */
  beforeCollect: Set<() => void>;
}

/** Latency buckets in seconds, 1 ms to 60 s (model calls can be slow). */
export const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

const cache = new WeakMap<Registry, GatewayMetrics>();

/** Idempotent per registry: a second call returns the same metric objects. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const known = cache.get(registry);
  if (known) return known;
  const registers = [registry];
  const beforeCollect = new Set<() => void>();
  const m: GatewayMetrics = {
    beforeCollect,
    requests: new Counter({
      name: N.requests,
      help: 'Gateway responses by cluster, route and status class',
      labelNames: ['cluster', 'route', 'status_class'],
      registers,
      collect() {
        for (const f of beforeCollect) f();
      },
    }),
    requestDuration: new BucketHistogram({
      name: N.requestDuration,
      help: 'Gateway request duration in seconds',
      labelNames: ['cluster', 'route'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    upstreamServiceTime: new Histogram({
      name: N.upstreamServiceTime,
      help: 'Time spent waiting on the upstream, in seconds',
      labelNames: ['cluster'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    noRoute: new Counter({ name: N.noRoute, help: 'Requests that matched no route (404 NR)', registers }),
    pendingOverflow: new Counter({
      name: N.pendingOverflow,
      help: 'Requests refused by a circuit breaker (503 UO)',
      labelNames: ['cluster', 'limit'],
      registers,
    }),
    retries: new Counter({
      name: N.retries,
      help: 'Upstream retries attempted',
      labelNames: ['cluster'],
      registers,
    }),
    retryOverflow: new Counter({
      name: N.retryOverflow,
      help: 'Retries skipped because the cluster max_retries was reached',
      labelNames: ['cluster'],
      registers,
    }),
    timeouts: new Counter({
      name: N.timeouts,
      help: 'Requests that hit the route timeout (504 UT)',
      labelNames: ['cluster'],
      registers,
    }),
    connectFailures: new Counter({
      name: N.connectFailures,
      help: 'Upstream connection failures (UF)',
      labelNames: ['cluster'],
      registers,
    }),
    activeRequests: new Gauge({
      name: N.activeRequests,
      help: 'Requests in flight to the upstream',
      labelNames: ['cluster'],
      registers,
    }),
    shadowRequests: new Counter({
      name: N.shadowRequests,
      help: 'Mirrored (shadow) requests by outcome',
      labelNames: ['cluster', 'outcome'],
      registers,
      collect() {
        for (const f of beforeCollect) f();
      },
    }),
    shadowComparisons: new Counter({
      name: N.shadowComparisons,
      help: 'Shadow responses compared with the main response to the same request, by result',
      labelNames: ['cluster', 'main_cluster', 'result'],
      registers,
    }),
    shadowCompareDuration: new Histogram({
      name: N.shadowCompareDuration,
      help: 'Response time of compared main/shadow pairs in seconds, by side',
      labelNames: ['cluster', 'side'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    tableReloads: new Counter({
      name: N.tableReloads,
      help: 'Route table rebuilds by result',
      labelNames: ['result'],
      registers,
    }),
    tableRoutes: new Gauge({ name: N.tableRoutes, help: 'Routes in the serving route table', registers }),
    tableClusters: new Gauge({
      name: N.tableClusters,
      help: 'Clusters in the serving route table',
      registers,
    }),
  };
  cache.set(registry, m);
  return m;
}
