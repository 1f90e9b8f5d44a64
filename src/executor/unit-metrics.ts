/**
 * A unit's Prometheus metrics: request latency per endpoint (a histogram,
 * whose _count is the request count) and the custom metrics components
 * report in meta.metrics (COUNTER → counter, GAUGE → gauge, TIMER in ms →
 * histogram in seconds, as Seldon's executor exports them). One registry per
 * unit so several units in one process (tests) do not collide.
 */
import { Counter, Gauge, Histogram, type Registry as PromRegistry, Registry } from 'prom-client';
import { BucketHistogram } from '../metrics/bucket-histogram.js';
import type { NodeMetric } from './meta-state.js';

export interface UnitMetricLabels {
  deployment_name: string;
  predictor_name: string;
}

type Custom = Counter<string> | Gauge<string> | Histogram<string>;

const NAME_OK = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_OK = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function sanitize(name: string, ok: RegExp): string {
  if (ok.test(name)) return name;
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

export class UnitMetrics {
  readonly registry: PromRegistry = new Registry();
  private readonly requests: BucketHistogram<
    'deployment_name' | 'predictor_name' | 'service' | 'method' | 'code'
  >;
  private readonly custom = new Map<string, { metric: Custom; labels: string[]; type: string }>();
  private readonly base: UnitMetricLabels;

  constructor(base: UnitMetricLabels) {
    this.base = base;
    // Bound cells (metrics/bucket-histogram.ts): no label hashing, and no labels object per request.
    this.requests = new BucketHistogram({
      name: 'seldon_api_executor_server_requests_seconds',
      help: 'Requests served by the unit, by endpoint, method and status code',
      labelNames: ['deployment_name', 'predictor_name', 'service', 'method', 'code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  observeRequest(service: string, method: string, code: number, seconds: number): void {
    const b = this.base;
    this.requests.labels(b.deployment_name, b.predictor_name, service, method, String(code)).observe(seconds);
  }

  /** Records component metrics; a metric whose key was first seen with another type is skipped. */
  recordComponentMetrics(metrics: readonly NodeMetric[]): void {
    for (const m of metrics) {
      if (typeof m.value !== 'number' || !Number.isFinite(m.value)) continue;
      const name = sanitize(m.key, NAME_OK);
      const tags: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.tags ?? {})) tags[sanitize(k, LABEL_OK)] = String(v);
      let entry = this.custom.get(name);
      if (!entry) {
        const labels = [
          ...new Set(['deployment_name', 'predictor_name', 'model_name', ...Object.keys(tags)]),
        ];
        const cfg = {
          name,
          help: `component metric ${m.key}`,
          labelNames: labels,
          registers: [this.registry],
        };
        let metric: Custom;
        try {
          if (m.type === 'COUNTER') metric = new Counter(cfg);
          else if (m.type === 'GAUGE') metric = new Gauge(cfg);
          else metric = new Histogram(cfg);
        } catch {
          continue; // name clashes with a built-in metric
        }
        entry = { metric, labels, type: m.type };
        this.custom.set(name, entry);
      }
      if (entry.type !== m.type) continue;
      const values: Record<string, string> = {};
      for (const l of entry.labels) values[l] = tags[l] ?? '';
      Object.assign(values, this.base, { model_name: m.node });
      if (entry.metric instanceof Counter) {
        if (m.value >= 0) entry.metric.inc(values, m.value);
      } else if (entry.metric instanceof Gauge) entry.metric.set(values, m.value);
      else entry.metric.observe(values, m.value / 1000);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
