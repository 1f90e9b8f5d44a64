/**
 * Prometheus metrics of one component microservice: Seldon's feedback
 * counters, a request timer, and the component's custom metrics (from the
 * `meta.metrics` of its responses). One registry per server, so several
 * servers can live in one process.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metric } from '../protocol/seldon-message.js';

type Custom = { kind: Metric['type']; labelNames: string[]; metric: Counter | Gauge | Histogram };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class ComponentMetrics {
  readonly registry: Registry;
  private readonly feedback: Counter;
  private readonly reward: Counter;
  private readonly requests: Histogram;
  private readonly custom = new Map<string, Custom>();

  constructor(registry = new Registry()) {
    this.registry = registry;
    this.feedback = new Counter({
      name: 'seldon_api_model_feedback_total',
      help: 'Feedback requests received by the component',
      registers: [registry],
    });
    this.reward = new Counter({
      name: 'seldon_api_model_feedback_reward_total',
      help: 'Sum of the rewards in feedback received by the component',
      registers: [registry],
    });
    this.requests = new Histogram({
      name: 'sdep_component_request_seconds',
      help: 'Component microservice request duration by method and HTTP status',
      labelNames: ['method', 'code'],
      registers: [registry],
    });
  }

  recordFeedback(reward: number): void {
    this.feedback.inc();
    if (reward > 0) this.reward.inc(reward);
  }

  observeRequest(method: string, code: number, seconds: number): void {
    this.requests.observe({ method, code: String(code) }, seconds);
  }

  /**
   * COUNTER adds, GAUGE sets, TIMER (milliseconds, as Seldon sends) is
   * observed in seconds. Metrics whose name or tags Prometheus cannot hold,
   * or whose kind/labels change between calls, are skipped.
   */
  recordCustom(metrics: readonly Metric[] | undefined): void {
    for (const m of metrics ?? []) {
      const tags = m.tags ?? {};
      const labelNames = Object.keys(tags).sort();
      if (!METRIC_NAME.test(m.key) || !labelNames.every((l) => LABEL_NAME.test(l))) continue;
      const c = this.customMetric(m.key, m.type, labelNames);
      if (!c) continue;
      if (c.metric instanceof Counter) {
        if (m.value >= 0) c.metric.inc(tags, m.value);
      } else if (c.metric instanceof Gauge) c.metric.set(tags, m.value);
      else c.metric.observe(tags, m.value / 1000);
    }
  }

  private customMetric(key: string, kind: Metric['type'], labelNames: string[]): Custom | undefined {
    const found = this.custom.get(key);
    if (found) {
      return found.kind === kind && found.labelNames.join() === labelNames.join() ? found : undefined;
    }
    if (this.registry.getSingleMetric(key)) return undefined;
    const cfg = {
      name: key,
      help: `component custom ${kind.toLowerCase()} ${key}`,
      labelNames,
      registers: [this.registry],
    };
    const metric =
      kind === 'COUNTER' ? new Counter(cfg) : kind === 'GAUGE' ? new Gauge(cfg) : new Histogram(cfg);
    const c: Custom = { kind, labelNames, metric };
    this.custom.set(key, c);
    return c;
  }
}
