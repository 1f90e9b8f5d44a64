/**
 * The dashboard's view model: the status document (deployments → predictors
 * → units, routes, diagnostics) joined with the traffic history (series per
 * gateway cluster) into rows per predictor. Pure, no DOM.
 */
import type {
  ClusterSeries,
  ClusterWindow,
  ShadowSeries,
  TrafficDocument,
} from '../../src/gateway/admin/traffic-history.js';
import type {
  DeploymentStatus,
  PredictorStatus,
  RouteStatus,
  StatusDocument,
} from '../../src/local/status-document.js';

export type {
  ClusterWindow,
  DeploymentStatus,
  PredictorStatus,
  RouteStatus,
  StatusDocument,
  TrafficDocument,
};

export type Role = 'main' | 'canary' | 'shadow';

export interface PredictorView {
  key: string;
  predictor: PredictorStatus;
  role: Role;
  /** Requests now (last window) summed over the predictor's clusters. */
  window: ClusterWindow;
  /** Share of the deployment's (non-shadow) requests in the window, 0–1; null with none. */
  observedShare: number | null;
  restarts: number;
  series: {
    rps: number[];
    p50: (number | null)[];
    p99: (number | null)[];
    errorRate: number[];
    overflows: number[];
  };
}

export interface ShadowView {
  shadow: PredictorView;
  main: PredictorView | undefined;
  series: ShadowSeries;
}

export interface DeploymentView {
  key: string;
  deployment: DeploymentStatus;
  predictors: PredictorView[];
  shadows: ShadowView[];
  diagnostics: StatusDocument['diagnostics'];
}

const EMPTY_WINDOW: ClusterWindow = {
  requests: 0,
  rps: 0,
  errors: 0,
  errorRate: 0,
  overflows: 0,
  p50: null,
  p99: null,
};

function rolesOf(d: DeploymentStatus): Role[] {
  const live = d.predictors.filter((p) => !p.shadow);
  const top = Math.max(...live.map((p) => p.traffic ?? (live.length === 1 ? 100 : 0)));
  let mainSeen = false;
  return d.predictors.map((p) => {
    if (p.shadow) return 'shadow';
    if (live.length === 1) return 'main';
    if (!mainSeen && (p.traffic ?? 0) === top) {
      mainSeen = true;
      return 'main';
    }
    return 'canary';
  });
}

function sumWindows(ws: ClusterWindow[]): ClusterWindow {
  if (ws.length === 0) return EMPTY_WINDOW;
  const busiest = ws.reduce((a, b) => (b.requests > a.requests ? b : a));
  const requests = ws.reduce((n, w) => n + w.requests, 0);
  const errors = ws.reduce((n, w) => n + w.errors, 0);
  return {
    requests,
    rps: Math.round(ws.reduce((n, w) => n + w.rps, 0) * 100) / 100,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    overflows: ws.reduce((n, w) => n + w.overflows, 0),
    // quantiles do not add up: take the busiest cluster's (usually the only one)
    p50: busiest.p50,
    p99: busiest.p99,
  };
}

function sumSeries(all: ClusterSeries[], length: number): PredictorView['series'] {
  const zeros = () => new Array<number>(length).fill(0);
  const out = {
    rps: zeros(),
    p50: [] as (number | null)[],
    p99: [] as (number | null)[],
    errorRate: zeros(),
    overflows: zeros(),
  };
  for (let i = 0; i < length; i++) {
    let best: ClusterSeries | undefined;
    let errorsN = 0;
    for (const s of all) {
      const r = s.rps[i] ?? 0;
      out.rps[i]! += r;
      out.overflows[i]! += s.overflows[i] ?? 0;
      errorsN += (s.errorRate[i] ?? 0) * r;
      if (!best || r > (best.rps[i] ?? 0)) best = s;
    }
    out.rps[i] = Math.round(out.rps[i]! * 100) / 100;
    out.errorRate[i] = out.rps[i]! > 0 ? errorsN / out.rps[i]! : 0;
    out.p50.push(best?.p50[i] ?? null);
    out.p99.push(best?.p99[i] ?? null);
  }
  return out;
}

export function buildView(status: StatusDocument, traffic: TrafficDocument | undefined): DeploymentView[] {
  const length = traffic?.t.length ?? 0;
  return status.deployments.map((d) => {
    const key = `${d.namespace}/${d.name}`;
    const roles = rolesOf(d);
    const predictors: PredictorView[] = d.predictors.map((p, i) => {
      const series = (p.clusters ?? []).flatMap((c) => {
        const s = traffic?.clusters[c];
        return s ? [s] : [];
      });
      return {
        key: `${key}/${p.name}`,
        predictor: p,
        role: roles[i]!,
        window: sumWindows(series.map((s) => s.window)),
        observedShare: null,
        restarts: p.units.reduce((n, u) => n + u.restarts, 0),
        series: sumSeries(series, length),
      };
    });
    const live = predictors.filter((p) => p.role !== 'shadow');
    const total = live.reduce((n, p) => n + p.window.requests, 0);
    for (const p of live) p.observedShare = total > 0 ? p.window.requests / total : null;
    const shadows: ShadowView[] = [];
    for (const p of predictors) {
      if (p.role !== 'shadow') continue;
      for (const c of p.predictor.clusters ?? []) {
        const s = traffic?.shadows[c];
        if (!s) continue;
        const main = predictors.find((m) => (m.predictor.clusters ?? []).includes(s.mainCluster));
        shadows.push({ shadow: p, main, series: s });
      }
    }
    const diagnostics = status.diagnostics.filter((x) => x.resource.startsWith(d.file));
    return { key, deployment: d, predictors, shadows, diagnostics };
  });
}

/** Routes in match order, with the deployment each serves (by its predictors' services). */
export function routeOwners(status: StatusDocument): Map<string, string> {
  const owner = new Map<string, string>();
  for (const d of status.deployments)
    for (const p of d.predictors) for (const s of p.services) owner.set(s, `${d.namespace}/${d.name}`);
  return owner;
}

/** Appends a `since` chunk to the history kept in the page, keeping at most `max` points. */
export function mergeTraffic(
  old: TrafficDocument | undefined,
  next: TrafficDocument,
  max = 300,
): TrafficDocument {
  if (old === undefined || next.t.length === 0 || (old.t.length > 0 && next.t[0]! <= old.t.at(-1)!)) {
    if (old !== undefined && next.t.length === 0) return { ...old, ...windowsOf(next, old), now: next.now };
    return next;
  }
  const n = old.t.length;
  const t = [...old.t, ...next.t];
  const drop = Math.max(0, t.length - max);
  const pad = <T>(a: T[] | undefined, len: number, fill: T): T[] => a ?? new Array<T>(len).fill(fill);
  const cut = <T>(a: T[]) => a.slice(drop);
  const clusters: TrafficDocument['clusters'] = {};
  for (const name of new Set([...Object.keys(old.clusters), ...Object.keys(next.clusters)])) {
    const a = old.clusters[name];
    const b = next.clusters[name];
    const base = b ?? a!;
    const k = next.t.length;
    clusters[name] = {
      rps: cut([...pad(a?.rps, n, 0), ...pad(b?.rps, k, 0)]),
      p50: cut([...pad(a?.p50, n, null), ...pad(b?.p50, k, null)]),
      p99: cut([...pad(a?.p99, n, null), ...pad(b?.p99, k, null)]),
      errorRate: cut([...pad(a?.errorRate, n, 0), ...pad(b?.errorRate, k, 0)]),
      overflows: cut([...pad(a?.overflows, n, 0), ...pad(b?.overflows, k, 0)]),
      window: base.window,
      total: base.total,
    };
  }
  const shadows: TrafficDocument['shadows'] = {};
  for (const name of new Set([...Object.keys(old.shadows), ...Object.keys(next.shadows)])) {
    const a = old.shadows[name];
    const b = next.shadows[name];
    const base = b ?? a!;
    const k = next.t.length;
    const join = (key: 'agreement' | 'shadowP50' | 'shadowP99' | 'mainP50' | 'mainP99') =>
      cut([...pad(a?.[key], n, null), ...pad(b?.[key], k, null)]);
    shadows[name] = {
      mainCluster: base.mainCluster,
      agreement: join('agreement'),
      compared: cut([...pad(a?.compared, n, 0), ...pad(b?.compared, k, 0)]),
      shadowP50: join('shadowP50'),
      shadowP99: join('shadowP99'),
      mainP50: join('mainP50'),
      mainP99: join('mainP99'),
      window: base.window,
      total: base.total,
    };
  }
  return { ...next, t: cut(t), clusters, shadows };
}

function windowsOf(next: TrafficDocument, old: TrafficDocument): Partial<TrafficDocument> {
  const clusters = { ...old.clusters };
  for (const [k, v] of Object.entries(next.clusters)) {
    const o = clusters[k];
    clusters[k] = o ? { ...o, window: v.window, total: v.total } : v;
  }
  const shadows = { ...old.shadows };
  for (const [k, v] of Object.entries(next.shadows)) {
    const o = shadows[k];
    shadows[k] = o ? { ...o, window: v.window, total: v.total } : v;
  }
  return { clusters, shadows };
}
