/**
 * A labelled histogram whose hot path is a bound cell: a bucket search and
 * three additions per observation. prom-client's Histogram validates and
 * hashes the labels on every observe, even through a child, which was 2 % of
 * the gateway's CPU at load. This is a registry metric of its own (name,
 * help, type, get, reset) and reads out in the same form as prom-client's:
 * cumulative `_bucket{le}` lines, then `_sum` and `_count`.
 */
import type { Registry } from 'prom-client';

export interface HistogramCell {
  observe(value: number): void;
}

class Cell implements HistogramCell {
  readonly labels: Record<string, string>;
  private readonly bounds: readonly number[];
  /** Per-bucket (not cumulative) counts; values above the last bound are only in `count`. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(labels: Record<string, string>, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    // prom-client throws on a non-finite value; a metric must not fail a request.
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    if (i < b.length) this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  zero(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

export interface HistogramValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** What the registry reads (prom-client's MetricObjectWithValues, with the type as the string it is at run time). */
export interface HistogramReadout {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: HistogramValue[];
}

export interface BucketHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: Registry[];
}

export class BucketHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly labelNames: readonly L[];
  private readonly bounds: readonly number[];
  private readonly cells = new Map<string, Cell>();

  constructor(o: BucketHistogramOptions<L>) {
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames;
    this.bounds = [...o.buckets].sort((a, b) => a - b);
    for (const r of o.registers)
      r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The cell for these label values, in `labelNames` order (the same cell each time). */
  labels(...values: string[]): HistogramCell {
    const key = values.join('\u0000');
    let cell = this.cells.get(key);
    if (cell === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? '';
      });
      cell = new Cell(labels, this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  observe(labels: Partial<Record<L, string>>, value: number): void {
    this.labels(...this.labelNames.map((n) => labels[n] ?? '')).observe(value);
  }

  /** Zeroes every cell; cells stay bound, so holders keep counting into the live metric. */
  reset(): void {
    for (const cell of this.cells.values()) cell.zero();
  }

  async get(): Promise<HistogramReadout> {
    const values: HistogramValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.cells.values()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += cell.counts[i]!;
        values.push({ metricName: bucket, labels: withLe(cell.labels, this.bounds[i]!), value: acc });
      }
      values.push({ metricName: bucket, labels: withLe(cell.labels, '+Inf'), value: cell.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...cell.labels }, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...cell.labels }, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

/** The cell's labels plus `le`, not spread (protocol/replace-meta.ts says why: a hidden class per object). */
function withLe(labels: Record<string, string>, le: string | number): Record<string, string | number> {
  const out: Record<string, string | number> = Object.assign({}, labels);
  out.le = le;
  return out;
}
