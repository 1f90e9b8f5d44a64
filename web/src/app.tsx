/**
 * The dashboard page: polls `/sdep/v1/status` and `/sdep/v1/metrics` (the
 * JSON that `sdep status` reads) every second, shows every figure as a table
 * and the recent minutes as plots.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  buildView,
  type DeploymentView,
  mergeTraffic,
  type PredictorView,
  type RouteStatus,
  routeOwners,
  type ShadowView,
  type StatusDocument,
  type TrafficDocument,
} from './model.js';
import { Plot, type PlotSeries } from './plot.js';

const POLL_MS = 1000;
const COLORS: Record<string, string[]> = {
  main: ['#2563eb', '#0891b2'],
  canary: ['#ea580c', '#d97706', '#dc2626'],
  shadow: ['#7c3aed', '#c026d3'],
};

function colorOf(views: PredictorView[], p: PredictorView): string {
  const same = views.filter((v) => v.role === p.role);
  const list = COLORS[p.role]!;
  return list[same.indexOf(p) % list.length]!;
}

const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`;
const msText = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`;
const span = (t: number[]) => {
  const s = t.length > 1 ? Math.round(t.at(-1)! - t[0]!) : 0;
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
};
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function App() {
  const [status, setStatus] = useState<StatusDocument>();
  const [traffic, setTraffic] = useState<TrafficDocument>();
  const [error, setError] = useState<string>();
  const [updated, setUpdated] = useState<Date>();

  useEffect(() => {
    let stopped = false;
    let last: TrafficDocument | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const since = last?.t.at(-1);
        const [s, t] = await Promise.all([
          getJson<StatusDocument>('sdep/v1/status'),
          getJson<TrafficDocument>(`sdep/v1/metrics${since === undefined ? '' : `?since=${since}`}`),
        ]);
        if (stopped) return;
        last = mergeTraffic(last, t);
        setStatus(s);
        setTraffic(last);
        setError(undefined);
        setUpdated(new Date());
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  if (!status) {
    return (
      <main class="page">
        <Header status={undefined} error={error} updated={updated} />
        <p class="muted">{error ? `Cannot load the status: ${error}` : 'Loading…'}</p>
      </main>
    );
  }
  const views = buildView(status, traffic);
  return (
    <main class="page">
      <Header status={status} error={error} updated={updated} />
      <Summary status={status} views={views} />
      <Diagnostics status={status} />
      {views.length === 0 ? <p class="muted">No deployments loaded.</p> : null}
      {views.map((v) => (
        <Deployment key={v.key} view={v} t={traffic?.t ?? []} windowSeconds={traffic?.windowSeconds ?? 60} />
      ))}
      <Routes routes={status.routes} owners={routeOwners(status)} ambassadorId={status.ambassadorId} />
    </main>
  );
}

function Header(p: {
  status: StatusDocument | undefined;
  error: string | undefined;
  updated: Date | undefined;
}) {
  const s = p.status;
  return (
    <header class="top">
      <div class="brand">
        <span class="logo">sdep</span> dashboard
      </div>
      {s ? (
        <div class="facts">
          <span>
            ambassador_id <b>{s.ambassadorId}</b>
          </span>
          <span>
            generation <b>{s.servingGeneration}</b>
            {s.generation !== s.servingGeneration ? ` (loading ${s.generation})` : ''}
          </span>
          {s.reconciling ? <span class="badge warn">applying a change…</span> : null}
        </div>
      ) : null}
      <div class="live">
        <span class={`dot ${p.error ? 'bad' : p.updated ? 'ok' : ''}`} />
        {p.error
          ? `disconnected: ${p.error}`
          : p.updated
            ? `live · ${p.updated.toLocaleTimeString()}`
            : 'connecting'}
      </div>
      <nav>
        <a href="ambassador/v0/diag/">diag</a>
        <a href="sdep/v1/status">status JSON</a>
        <a href="sdep/v1/metrics">traffic JSON</a>
        <a href="metrics">/metrics</a>
      </nav>
    </header>
  );
}

function Summary(p: { status: StatusDocument; views: DeploymentView[] }) {
  const preds = p.views.flatMap((v) => v.predictors);
  const ready = preds.reduce((n, x) => n + x.predictor.readyReplicas, 0);
  const wanted = preds.reduce((n, x) => n + (x.predictor.routed === false ? 0 : x.predictor.replicas), 0);
  const rps = preds.reduce((n, x) => n + x.window.rps, 0);
  const errors = p.status.diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <section class="summary">
      <Stat label="deployments" value={String(p.views.length)} />
      <Stat label="predictors" value={String(preds.length)} />
      <Stat label="ready replicas" value={`${ready}/${wanted}`} tone={ready < wanted ? 'warn' : 'ok'} />
      <Stat label="req/s (last minute)" value={rps.toFixed(1)} />
      <Stat label="routes" value={String(p.status.routes.length)} />
      <Stat label="config errors" value={String(errors)} tone={errors > 0 ? 'bad' : 'ok'} />
    </section>
  );
}

function Stat(p: { label: string; value: string; tone?: 'ok' | 'warn' | 'bad' }) {
  return (
    <div class={`stat ${p.tone ?? ''}`}>
      <div class="value">{p.value}</div>
      <div class="label">{p.label}</div>
    </div>
  );
}

function Diagnostics(p: { status: StatusDocument }) {
  const d = p.status.diagnostics;
  if (d.length === 0 && p.status.keptFiles.length === 0) return null;
  return (
    <section class="card diag" data-testid="diagnostics">
      <h2>Configuration problems ({d.length})</h2>
      {p.status.keptFiles.length ? (
        <p>
          Still running the last good version of: <code>{p.status.keptFiles.join(', ')}</code>
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>severity</th>
            <th>code</th>
            <th>resource</th>
            <th>field</th>
            <th>message</th>
          </tr>
        </thead>
        <tbody>
          {d.map((x) => (
            <tr key={`${x.code}|${x.resource}|${x.path}|${x.message}`} class={x.severity}>
              <td>
                <span class={`badge ${x.severity === 'error' ? 'bad' : 'warn'}`}>{x.severity}</span>
              </td>
              <td>
                <code>{x.code}</code>
              </td>
              <td>{x.resource}</td>
              <td>
                <code>{x.path || '–'}</code>
              </td>
              <td>{x.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Deployment(p: { view: DeploymentView; t: number[]; windowSeconds: number }) {
  const v = p.view;
  const d = v.deployment;
  const live = v.predictors.filter((x) => x.role !== 'shadow');
  const line = (pick: (x: PredictorView) => (number | null)[], who = live, scale = 1): PlotSeries[] =>
    who.map((x) => ({
      label: x.predictor.name,
      color: colorOf(v.predictors, x),
      values: pick(x).map((y) => (y === null ? null : y * scale)),
    }));
  const hasTraffic =
    v.shadows.length > 0 ||
    v.predictors.some((x) => x.window.requests > 0 || x.series.rps.some((r) => r > 0));
  return (
    <section class="card deployment" data-testid={`deployment-${v.key}`}>
      <div class="card-head">
        <h2>
          {d.name} <span class="ns">{d.namespace}</span>
        </h2>
        <span class="muted file">{d.file}</span>
        {live.length > 1 ? (
          <span class="badge info">split {live.map((x) => `${x.predictor.traffic ?? '–'}`).join('/')}</span>
        ) : null}
        {v.shadows.length || v.predictors.some((x) => x.role === 'shadow') ? (
          <span class="badge shadow">shadow</span>
        ) : null}
        {v.diagnostics.length ? <span class="badge bad">{v.diagnostics.length} problem(s)</span> : null}
      </div>
      <PredictorTable view={v} />
      {hasTraffic ? null : (
        <p class="muted quiet">No requests in the last {span(p.t)}; plots appear with traffic.</p>
      )}
      <div class="plots" hidden={!hasTraffic}>
        <Plot title="Requests per second" unit="" t={p.t} series={line((x) => x.series.rps)} />
        <Plot
          title="Latency p50 (solid) / p99 (dashed)"
          unit=" ms"
          t={p.t}
          series={[
            ...line((x) => x.series.p50).map((s) => ({ ...s, label: `${s.label} p50` })),
            ...line((x) => x.series.p99).map((s) => ({ ...s, label: `${s.label} p99`, dash: [6, 4] })),
          ]}
        />
        <Plot
          title="Errors (5xx %) and breaker overflows (/s, dashed)"
          unit=""
          t={p.t}
          series={[
            ...line((x) => x.series.errorRate, live, 100).map((s) => ({ ...s, label: `${s.label} err%` })),
            ...line((x) => x.series.overflows).map((s) => ({ ...s, label: `${s.label} UO/s`, dash: [6, 4] })),
          ]}
        />
      </div>
      {v.shadows.map((s) => (
        <Shadow key={s.shadow.key} view={v} shadow={s} t={p.t} windowSeconds={p.windowSeconds} />
      ))}
      <Units view={v} />
    </section>
  );
}

function PredictorTable(p: { view: DeploymentView }) {
  const v = p.view;
  return (
    <table class="predictors">
      <thead>
        <tr>
          <th>predictor</th>
          <th>role</th>
          <th class="num">weight</th>
          <th class="num" title="share of this deployment's requests in the last minute">
            observed share
          </th>
          <th class="num">ready</th>
          <th class="num">restarts</th>
          <th class="num">req/s</th>
          <th class="num">p50</th>
          <th class="num">p99</th>
          <th class="num">errors</th>
          <th class="num">overflows</th>
        </tr>
      </thead>
      <tbody>
        {v.predictors.map((x) => {
          const pr = x.predictor;
          const shadowOnly = x.role === 'shadow';
          return (
            <tr key={x.key} data-testid={`predictor-${x.key}`}>
              <td>
                <span class="swatch" style={{ background: colorOf(v.predictors, x) }} />
                <b>{pr.name}</b>
              </td>
              <td>
                <span class={`badge ${x.role}`}>{x.role}</span>
              </td>
              <td class="num">{shadowOnly ? 'mirror' : pr.traffic === null ? '100%' : `${pr.traffic}%`}</td>
              <td class="num" data-testid={`share-${x.key}`}>
                {shadowOnly ? '–' : pct(x.observedShare)}
              </td>
              {pr.routed === false ? (
                <td class="num muted" title={`no route of this ambassador_id reaches it: no units run`}>
                  not routed
                </td>
              ) : (
                <td class={`num ${pr.readyReplicas < pr.replicas ? 'warn-text' : ''}`}>
                  {pr.readyReplicas}/{pr.replicas}
                </td>
              )}
              <td class={`num ${x.restarts > 0 ? 'warn-text' : ''}`}>{x.restarts}</td>
              <td class="num">{shadowOnly ? '–' : num(x.window.rps)}</td>
              <td class="num">{shadowOnly ? '–' : msText(x.window.p50)}</td>
              <td class="num">{shadowOnly ? '–' : msText(x.window.p99)}</td>
              <td class={`num ${x.window.errors > 0 ? 'bad-text' : ''}`}>
                {shadowOnly ? '–' : `${x.window.errors} (${pct(x.window.errorRate)})`}
              </td>
              <td class={`num ${x.window.overflows > 0 ? 'bad-text' : ''}`}>
                {shadowOnly ? '–' : x.window.overflows}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Shadow(p: { view: DeploymentView; shadow: ShadowView; t: number[]; windowSeconds: number }) {
  const s = p.shadow.series;
  const w = s.window;
  const mainName = p.shadow.main?.predictor.name ?? s.mainCluster;
  const shadowName = p.shadow.shadow.predictor.name;
  const shadowColor = colorOf(p.view.predictors, p.shadow.shadow);
  const mainColor = p.shadow.main ? colorOf(p.view.predictors, p.shadow.main) : '#2563eb';
  return (
    <div class="shadow-panel" data-testid={`shadow-${p.view.key}/${shadowName}`}>
      <h3>
        Shadow <b>{shadowName}</b> vs main <b>{mainName}</b>{' '}
        <span class="muted">(last {p.windowSeconds} s; the same requests, both answers)</span>
      </h3>
      <div class="shadow-grid">
        <table class="kv">
          <tbody>
            <tr>
              <th>agreement</th>
              <td class="big" data-testid={`agreement-${p.view.key}/${shadowName}`}>
                {pct(w.agreement)}
              </td>
            </tr>
            <tr>
              <th title="every value within tolerance">identical (within tolerance)</th>
              <td>{pct(w.exactAgreement)}</td>
            </tr>
            <tr>
              <th title="values differ, the predicted class is the same">same class only</th>
              <td>{w.results.agree_argmax}</td>
            </tr>
            <tr>
              <th title="the gateway compares at most 200 requests a second">compared of main's requests</th>
              <td>
                {w.compared + w.results.incomparable + w.results.shadow_error + w.results.main_error} of{' '}
                {p.shadow.main?.window.requests ?? '–'}
              </td>
            </tr>
            <tr>
              <th>compared / disagreed</th>
              <td>
                {w.compared} /{' '}
                <span class={w.results.disagree > 0 ? 'bad-text' : ''}>{w.results.disagree}</span>
              </td>
            </tr>
            <tr>
              <th>not comparable · shadow errors · main errors</th>
              <td>
                {w.results.incomparable} · {w.results.shadow_error} · {w.results.main_error}
              </td>
            </tr>
            <tr>
              <th>latency p50 main / shadow</th>
              <td>
                {msText(w.mainP50)} / {msText(w.shadowP50)}
              </td>
            </tr>
            <tr>
              <th>latency p99 main / shadow</th>
              <td>
                {msText(w.mainP99)} / {msText(w.shadowP99)}
              </td>
            </tr>
            <tr>
              <th>since start</th>
              <td>
                {pct(s.total.agreement)} of {s.total.compared}
              </td>
            </tr>
          </tbody>
        </table>
        <Plot
          title="Agreement with main (%)"
          unit="%"
          yMax={100}
          t={p.t}
          series={[
            {
              label: 'agreement',
              color: shadowColor,
              values: s.agreement.map((x) => (x === null ? null : x * 100)),
            },
          ]}
        />
        <Plot
          title="Latency of compared pairs, p50 (solid) / p99 (dashed)"
          unit=" ms"
          t={p.t}
          series={[
            { label: `${mainName} p50`, color: mainColor, values: s.mainP50 },
            { label: `${shadowName} p50`, color: shadowColor, values: s.shadowP50 },
            { label: `${mainName} p99`, color: mainColor, values: s.mainP99, dash: [6, 4] },
            { label: `${shadowName} p99`, color: shadowColor, values: s.shadowP99, dash: [6, 4] },
          ]}
        />
      </div>
    </div>
  );
}

function Units(p: { view: DeploymentView }) {
  const rows = p.view.predictors.flatMap((x) => x.predictor.units.map((u) => ({ x, u })));
  return (
    <details class="units">
      <summary>
        Units ({rows.length}) — {rows.filter((r) => r.u.ready).length} ready
      </summary>
      <table>
        <thead>
          <tr>
            <th>predictor</th>
            <th>replica</th>
            <th>state</th>
            <th class="num">pid</th>
            <th class="num">http</th>
            <th class="num">grpc</th>
            <th class="num">restarts</th>
            <th>last exit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ x, u }) => (
            <tr key={`${u.id}|${u.hash}`}>
              <td>{x.predictor.name}</td>
              <td>
                {u.replica}
                {u.current ? '' : ' (old)'}
              </td>
              <td>
                <span class={`badge ${u.ready ? 'ok' : 'warn'}`}>{u.state}</span>
              </td>
              <td class="num">{u.pid ?? '–'}</td>
              <td class="num">{u.http ?? '–'}</td>
              <td class="num">{u.grpc ?? '–'}</td>
              <td class="num">{u.restarts}</td>
              <td>{u.lastExit ? JSON.stringify(u.lastExit) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Routes(p: { routes: RouteStatus[]; owners: Map<string, string>; ambassadorId: string }) {
  // the table's order is the order the gateway tries them in
  const ordered = p.routes;
  return (
    <section class="card">
      <h2>
        Routes in match order{' '}
        <span class="muted">
          ({p.routes.length}, ambassador_id {p.ambassadorId})
        </span>
      </h2>
      <table class="routes">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>match</th>
            <th>targets (weight)</th>
            <th>shadow</th>
            <th>deployment</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((r, i) => {
            const path = r.grpc ? 'gRPC' : r.prefix;
            const owner = r.targets.map((t) => p.owners.get(t.service)).find(Boolean) ?? '–';
            return (
              <tr key={r.id}>
                <td class="num">{i + 1}</td>
                <td>
                  {r.method ? <b>{r.method} </b> : null}
                  <code>{path}</code>
                  {r.regex && !r.grpc ? <span class="muted"> (regex)</span> : null}
                  {r.headers.map((h) => (
                    <code key={h} class="hdr">
                      [{h}]
                    </code>
                  ))}
                  {r.precedence ? <span class="muted"> precedence {r.precedence}</span> : null}
                </td>
                <td>
                  {r.targets.map((t) => (
                    <div key={t.cluster}>
                      <b>{t.weight}%</b> {t.service}
                    </div>
                  ))}
                  {r.unroutedPercent > 0 ? <div class="bad-text">{r.unroutedPercent}% unrouted</div> : null}
                </td>
                <td>{r.mirror ? `${r.mirror.percent}% → ${r.mirror.service}` : '–'}</td>
                <td>{owner}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
