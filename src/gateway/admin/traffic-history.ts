/**
 * Live traffic as time series, for the dashboard and `sdep status`
 * (`GET /sdep/v1/metrics`): every second the admin layer reads the gateway's
 * cumulative counters and histograms (a TrafficSnapshot) and keeps the last
 * few minutes of them in a ring. Rates, error ratios, quantiles and shadow
 * agreement are differences between two snapshots, so any window can be
 * computed from the ring.
 */
import type { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { DURATION_BUCKETS } from '../../metrics/gateway-metrics.js';

/** Cumulative counts for one cluster, as read from the registry. */
export interface ClusterCounters {
  requests: number;
  /** 5xx responses. */
  errors: number;
  /** Circuit-breaker overflows (503 UO). */
  overflows: number;
  /** Cumulative histogram counts per DURATION_BUCKETS bound, then +Inf. */
  buckets: number[];
}

export const SHADOW_RESULTS = [
  'agree',
  'agree_argmax',
  'disagree',
  'incomparable',
  'main_error',
  'shadow_error',
] as const;
export type ShadowResultName = (typeof SHADOW_RESULTS)[number];

export interface ShadowCounters {
  mainCluster: string;
  results: Record<ShadowResultName, number>;
  mainBuckets: number[];
  shadowBuckets: number[];
}

export interface TrafficSnapshot {
  /** ms since the epoch. */
  t: number;
  clusters: Map<string, ClusterCounters>;
  /** By shadow cluster. */
  shadows: Map<string, ShadowCounters>;
}

const NB = DURATION_BUCKETS.length + 1;

function zeros(): number[] {
  return new Array<number>(NB).fill(0);
}

function bucketIndex(le: string | number | undefined): number {
  if (le === '+Inf' || le === undefined) return DURATION_BUCKETS.length;
  const v = Number(le);
  const i = DURATION_BUCKETS.findIndex((b) => Math.abs(b - v) < 1e-12);
  return i < 0 ? -1 : i;
}

function emptyResults(): Record<ShadowResultName, number> {
  return Object.fromEntries(SHADOW_RESULTS.map((r) => [r, 0])) as Record<ShadowResultName, number>;
}

/** Reads the gateway metrics into a snapshot (sums over routes). */
export async function readTrafficSnapshot(m: GatewayMetrics, t: number): Promise<TrafficSnapshot> {
  const clusters = new Map<string, ClusterCounters>();
  const cluster = (name: string): ClusterCounters => {
    let c = clusters.get(name);
    if (!c) {
      c = { requests: 0, errors: 0, overflows: 0, buckets: zeros() };
      clusters.set(name, c);
    }
    return c;
  };
  for (const v of (await m.requests.get()).values) {
    const name = String(v.labels.cluster ?? '-');
    if (name === '-') continue;
    const c = cluster(name);
    c.requests += v.value;
    if (v.labels.status_class === '5xx') c.errors += v.value;
  }
  for (const v of (await m.pendingOverflow.get()).values) {
    cluster(String(v.labels.cluster ?? '-')).overflows += v.value;
  }
  for (const v of (await m.requestDuration.get()).values) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const name = String(v.labels.cluster ?? '-');
    if (name === '-') continue;
    const i = bucketIndex((v.labels as { le?: string | number }).le);
    if (i >= 0) cluster(name).buckets[i]! += v.value;
  }
  const shadows = new Map<string, ShadowCounters>();
  const shadow = (name: string, mainCluster: string): ShadowCounters => {
    let s = shadows.get(name);
    if (!s) {
      s = { mainCluster, results: emptyResults(), mainBuckets: zeros(), shadowBuckets: zeros() };
      shadows.set(name, s);
    }
    if (mainCluster) s.mainCluster = mainCluster;
    return s;
  };
  for (const v of (await m.shadowComparisons.get()).values) {
    const s = shadow(String(v.labels.cluster), String(v.labels.main_cluster ?? ''));
    const r = String(v.labels.result) as ShadowResultName;
    if (r in s.results) s.results[r] += v.value;
  }
  for (const v of (await m.shadowCompareDuration.get()).values) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const s = shadow(String(v.labels.cluster), '');
    const i = bucketIndex((v.labels as { le?: string | number }).le);
    if (i < 0) continue;
    if (v.labels.side === 'main') s.mainBuckets[i]! += v.value;
    else s.shadowBuckets[i]! += v.value;
  }
  return { t, clusters, shadows };
}

/**
 * Prometheus' histogram_quantile over cumulative bucket counts (linear
 * within a bucket); null with no observations. Seconds.
 */
export function histogramQuantile(q: number, cumulative: readonly number[]): number | null {
  const total = cumulative[cumulative.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < cumulative.length; i++) {
    if (cumulative[i]! >= rank) {
      if (i >= DURATION_BUCKETS.length) return DURATION_BUCKETS[DURATION_BUCKETS.length - 1]!;
      const lo = i === 0 ? 0 : DURATION_BUCKETS[i - 1]!;
      const hi = DURATION_BUCKETS[i]!;
      const below = i === 0 ? 0 : cumulative[i - 1]!;
      const inBucket = cumulative[i]! - below;
      return inBucket <= 0 ? hi : lo + (hi - lo) * ((rank - below) / inBucket);
    }
  }
  return null;
}

function diff(a: readonly number[], b: readonly number[] | undefined): number[] {
  return a.map((v, i) => Math.max(0, v - (b?.[i] ?? 0)));
}

function ms(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1e5) / 100;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** One cluster over a window (between two snapshots). */
export interface ClusterWindow {
  requests: number;
  /** Requests per second. */
  rps: number;
  errors: number;
  /** 5xx share of responses, 0–1 (0 with no requests). */
  errorRate: number;
  overflows: number;
  /** Milliseconds; null with no requests. */
  p50: number | null;
  p99: number | null;
}

export interface ShadowWindow {
  mainCluster: string;
  /** Pairs with a comparable answer on both sides: agree + agree_argmax + disagree. */
  compared: number;
  results: Record<ShadowResultName, number>;
  /** (agree + agree_argmax) / compared, 0–1; null when nothing was compared. */
  agreement: number | null;
  /** agree / compared: values within tolerance. */
  exactAgreement: number | null;
  /** Milliseconds, of the compared pairs. */
  shadowP50: number | null;
  shadowP99: number | null;
  mainP50: number | null;
  mainP99: number | null;
}

export function clusterWindow(
  cur: ClusterCounters | undefined,
  prev: ClusterCounters | undefined,
  seconds: number,
): ClusterWindow {
  const requests = Math.max(0, (cur?.requests ?? 0) - (prev?.requests ?? 0));
  const errors = Math.max(0, (cur?.errors ?? 0) - (prev?.errors ?? 0));
  const overflows = Math.max(0, (cur?.overflows ?? 0) - (prev?.overflows ?? 0));
  const buckets = cur ? diff(cur.buckets, prev?.buckets) : zeros();
  return {
    requests,
    rps: seconds > 0 ? round(requests / seconds, 2) : 0,
    errors,
    errorRate: requests > 0 ? round(errors / requests, 4) : 0,
    overflows,
    p50: ms(histogramQuantile(0.5, buckets)),
    p99: ms(histogramQuantile(0.99, buckets)),
  };
}

export function shadowWindow(cur: ShadowCounters, prev: ShadowCounters | undefined): ShadowWindow {
  const results = emptyResults();
  for (const r of SHADOW_RESULTS) results[r] = Math.max(0, cur.results[r] - (prev?.results[r] ?? 0));
  const compared = results.agree + results.agree_argmax + results.disagree;
  const sb = diff(cur.shadowBuckets, prev?.shadowBuckets);
  const mb = diff(cur.mainBuckets, prev?.mainBuckets);
  return {
    mainCluster: cur.mainCluster,
    compared,
    results,
    agreement: compared > 0 ? round((results.agree + results.agree_argmax) / compared, 4) : null,
    exactAgreement: compared > 0 ? round(results.agree / compared, 4) : null,
    shadowP50: ms(histogramQuantile(0.5, sb)),
    shadowP99: ms(histogramQuantile(0.99, sb)),
    mainP50: ms(histogramQuantile(0.5, mb)),
    mainP99: ms(histogramQuantile(0.99, mb)),
  };
}

export interface ClusterSeries {
  rps: number[];
  /** ms; null where there were no requests. */
  p50: (number | null)[];
  p99: (number | null)[];
  /** 0–1. */
  errorRate: number[];
  /** Overflows per second. */
  overflows: number[];
  /** The last `windowSeconds`. */
  window: ClusterWindow;
  /** Since the history began. */
  total: ClusterWindow;
}

export interface ShadowSeries {
  mainCluster: string;
  /** 0–1 over the smoothing window ending at each point; null when nothing was compared. */
  agreement: (number | null)[];
  /** Comparisons per second. */
  compared: number[];
  shadowP50: (number | null)[];
  shadowP99: (number | null)[];
  mainP50: (number | null)[];
  mainP99: (number | null)[];
  window: ShadowWindow;
  total: ShadowWindow;
}

/** The `/sdep/v1/metrics` document. */
export interface TrafficDocument {
  /** ms since the epoch of the newest snapshot (0 before the first). */
  now: number;
  intervalMs: number;
  /** Quantiles and agreement per point cover this many seconds (the rates: one interval). */
  smoothSeconds: number;
  windowSeconds: number;
  /** Point times, seconds since the epoch; the series below align with it. */
  t: number[];
  clusters: Record<string, ClusterSeries>;
  shadows: Record<string, ShadowSeries>;
}

export interface TrafficHistoryOptions {
  /** Snapshots kept (default 300: five minutes at one a second). */
  capacity?: number;
  intervalMs?: number;
  /** Seconds behind each plotted quantile (default 5). */
  smoothSeconds?: number;
  /** Seconds the `window` figures cover (default 60). */
  windowSeconds?: number;
}

export class TrafficHistory {
  readonly capacity: number;
  readonly intervalMs: number;
  readonly smoothSeconds: number;
  readonly windowSeconds: number;
  private readonly ring: TrafficSnapshot[] = [];
  private first: TrafficSnapshot | undefined;

  constructor(opts: TrafficHistoryOptions = {}) {
    this.capacity = Math.max(2, opts.capacity ?? 300);
    this.intervalMs = opts.intervalMs ?? 1000;
    this.smoothSeconds = opts.smoothSeconds ?? 5;
    this.windowSeconds = opts.windowSeconds ?? 60;
  }

  add(s: TrafficSnapshot): void {
    if (this.first === undefined) this.first = s;
    this.ring.push(s);
    if (this.ring.length > this.capacity) this.ring.shift();
  }

  get size(): number {
    return this.ring.length;
  }

  /** The snapshot at least `seconds` older than the newest (or the oldest kept). */
  private back(seconds: number): TrafficSnapshot | undefined {
    const last = this.ring[this.ring.length - 1];
    if (!last) return undefined;
    for (let i = this.ring.length - 2; i >= 0; i--) {
      if (last.t - this.ring[i]!.t >= seconds * 1000 - 1) return this.ring[i];
    }
    return this.ring[0];
  }

  /** Points after `since` (seconds since the epoch) only, when given. */
  document(since?: number): TrafficDocument {
    const ring = this.ring;
    const last = ring[ring.length - 1];
    const doc: TrafficDocument = {
      now: last?.t ?? 0,
      intervalMs: this.intervalMs,
      smoothSeconds: this.smoothSeconds,
      windowSeconds: this.windowSeconds,
      t: [],
      clusters: {},
      shadows: {},
    };
    if (!last) return doc;
    const names = new Set<string>();
    const shadowNames = new Set<string>();
    for (const s of ring) {
      for (const k of s.clusters.keys()) names.add(k);
      for (const k of s.shadows.keys()) shadowNames.add(k);
    }
    const windowFrom = this.back(this.windowSeconds)!;
    const windowSecs = Math.max(0, (last.t - windowFrom.t) / 1000);
    const totalSecs = Math.max(0, (last.t - (this.first?.t ?? last.t)) / 1000);
    for (const name of [...names].sort()) {
      doc.clusters[name] = {
        rps: [],
        p50: [],
        p99: [],
        errorRate: [],
        overflows: [],
        window: clusterWindow(last.clusters.get(name), windowFrom.clusters.get(name), windowSecs),
        total: clusterWindow(last.clusters.get(name), this.first?.clusters.get(name), totalSecs),
      };
    }
    for (const name of [...shadowNames].sort()) {
      // counters only grow: a shadow seen in the ring is in the newest snapshot
      const cur = last.shadows.get(name);
      if (!cur) continue;
      doc.shadows[name] = {
        mainCluster: cur.mainCluster,
        agreement: [],
        compared: [],
        shadowP50: [],
        shadowP99: [],
        mainP50: [],
        mainP99: [],
        window: shadowWindow(cur, windowFrom.shadows.get(name)),
        total: shadowWindow(cur, this.first?.shadows.get(name)),
      };
    }
    const smooth = Math.max(1, Math.round((this.smoothSeconds * 1000) / this.intervalMs));
    for (let i = 1; i < ring.length; i++) {
      const cur = ring[i]!;
      const tSec = Math.round(cur.t / 100) / 10;
      if (since !== undefined && tSec <= since) continue;
      const prev = ring[i - 1]!;
      const older = ring[Math.max(0, i - smooth)]!;
      const secs = Math.max(1e-3, (cur.t - prev.t) / 1000);
      doc.t.push(tSec);
      for (const name of Object.keys(doc.clusters)) {
        const series = doc.clusters[name]!;
        const step = clusterWindow(cur.clusters.get(name), prev.clusters.get(name), secs);
        const smoothed = clusterWindow(cur.clusters.get(name), older.clusters.get(name), secs);
        series.rps.push(step.rps);
        series.errorRate.push(step.errorRate);
        series.overflows.push(round(step.overflows / secs, 2));
        series.p50.push(smoothed.p50);
        series.p99.push(smoothed.p99);
      }
      for (const name of Object.keys(doc.shadows)) {
        const series = doc.shadows[name]!;
        const c = cur.shadows.get(name);
        if (!c) {
          series.agreement.push(null);
          series.compared.push(0);
          series.shadowP50.push(null);
          series.shadowP99.push(null);
          series.mainP50.push(null);
          series.mainP99.push(null);
          continue;
        }
        const step = shadowWindow(c, prev.shadows.get(name));
        const w = shadowWindow(c, older.shadows.get(name));
        series.compared.push(round(step.compared / secs, 2));
        series.agreement.push(w.agreement);
        series.shadowP50.push(w.shadowP50);
        series.shadowP99.push(w.shadowP99);
        series.mainP50.push(w.mainP50);
        series.mainP99.push(w.mainP99);
      }
    }
    return doc;
  }
}

export interface TrafficSampler {
  readonly history: TrafficHistory;
  /** Takes one snapshot now (tests; the timer calls it every interval). */
  sample(): Promise<void>;
  stop(): void;
}

/** Samples `metrics` into a TrafficHistory every `intervalMs` (timer unref'd). */
export function startTrafficSampler(
  metrics: GatewayMetrics,
  opts: TrafficHistoryOptions & { now?: () => number } = {},
): TrafficSampler {
  const history = new TrafficHistory(opts);
  const now = opts.now ?? Date.now;
  let inFlight: Promise<void> | undefined;
  const sample = (): Promise<void> => {
    // one read at a time: a caller during a read waits for that one
    inFlight ??= readTrafficSnapshot(metrics, now())
      .then((s) => history.add(s))
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  void sample();
  const timer = setInterval(() => void sample().catch(() => {}), history.intervalMs);
  timer.unref();
  return { history, sample, stop: () => clearInterval(timer) };
}
