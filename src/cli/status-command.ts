/**
 * `sdep status`: what a running `sdep serve` is doing, from its admin port
 * (`GET /sdep/v1/status` and the dashboard's `GET /sdep/v1/metrics`), as
 * tables: deployments and units, live traffic per predictor, shadow
 * agreement, routes, diagnostics.
 */
import type { Command } from 'commander';
import { formatDiagnostic } from '../core/diagnostic.js';
import type { ClusterWindow, TrafficDocument } from '../gateway/admin/index.js';
import { resolveAdminToken, TRAFFIC_PATH } from '../gateway/admin/index.js';
import type { StatusDocument } from '../local/index.js';

export const STATUS_PATH = '/sdep/v1/status';

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(x < 10 ? 2 : 0)}ms`);

/** A predictor's traffic: the sum over its clusters (quantiles: the busiest cluster's). */
function predictorWindow(traffic: TrafficDocument, clusters: readonly string[]): ClusterWindow {
  const ws = clusters.flatMap((c) => {
    const w = traffic.clusters[c]?.window;
    return w ? [w] : [];
  });
  const busiest = ws.reduce<ClusterWindow | undefined>(
    (a, b) => (a && a.requests >= b.requests ? a : b),
    undefined,
  );
  const requests = ws.reduce((n, w) => n + w.requests, 0);
  const errors = ws.reduce((n, w) => n + w.errors, 0);
  return {
    requests,
    rps: ws.reduce((n, w) => n + w.rps, 0),
    errors,
    errorRate: requests ? errors / requests : 0,
    overflows: ws.reduce((n, w) => n + w.overflows, 0),
    p50: busiest?.p50 ?? null,
    p99: busiest?.p99 ?? null,
  };
}

/** Live traffic per predictor and shadow agreement, over the traffic document's window. */
export function formatTraffic(doc: StatusDocument, traffic: TrafficDocument): string {
  const out: string[] = [];
  const rows: string[][] = [
    ['DEPLOYMENT', 'PREDICTOR', 'WEIGHT', 'SHARE', 'REQ/S', 'P50', 'P99', 'ERRORS', 'OVERFLOWS'],
  ];
  const shadows: string[][] = [
    [
      'DEPLOYMENT',
      'SHADOW',
      'COMPARED',
      'AGREEMENT',
      'IDENTICAL',
      'SHADOW ERRORS',
      'P50 MAIN/SHADOW',
      'P99 MAIN/SHADOW',
    ],
  ];
  for (const d of doc.deployments) {
    const name = `${d.namespace}/${d.name}`;
    const windows = d.predictors.map((p) => predictorWindow(traffic, p.clusters ?? []));
    const total = d.predictors.reduce((n, p, i) => n + (p.shadow ? 0 : windows[i]!.requests), 0);
    d.predictors.forEach((p, i) => {
      const w = windows[i]!;
      if (p.shadow) {
        for (const c of p.clusters ?? []) {
          const s = traffic.shadows[c]?.window;
          if (!s) continue;
          shadows.push([
            name,
            p.name,
            String(s.compared),
            pct(s.agreement),
            pct(s.exactAgreement),
            String(s.results.shadow_error),
            `${ms(s.mainP50)}/${ms(s.shadowP50)}`,
            `${ms(s.mainP99)}/${ms(s.shadowP99)}`,
          ]);
        }
        return;
      }
      rows.push([
        name,
        p.name,
        p.traffic === null ? '100%' : `${p.traffic}%`,
        total ? pct(w.requests / total) : '-',
        w.rps.toFixed(1),
        ms(w.p50),
        ms(w.p99),
        `${w.errors} (${pct(w.errorRate)})`,
        String(w.overflows),
      ]);
    });
  }
  out.push(`traffic, last ${traffic.windowSeconds}s:`);
  out.push(table(rows));
  if (shadows.length > 1) {
    out.push('');
    out.push(`shadow vs main, last ${traffic.windowSeconds}s:`);
    out.push(table(shadows));
  }
  return `${out.join('\n')}\n`;
}

export function formatStatus(doc: StatusDocument, traffic?: TrafficDocument): string {
  const out: string[] = [];
  const units: string[][] = [
    ['DEPLOYMENT', 'PREDICTOR', 'TRAFFIC', 'READY', 'UNIT', 'STATE', 'PID', 'HTTP', 'GRPC', 'RESTARTS'],
  ];
  for (const d of doc.deployments) {
    for (const p of d.predictors) {
      const traffic = p.shadow ? 'shadow' : p.traffic === null ? '-' : `${p.traffic}%`;
      const ready = `${p.readyReplicas}/${p.replicas}`;
      const head = [`${d.namespace}/${d.name}`, p.name, traffic, ready];
      if (p.units.length === 0)
        units.push([...head, '-', p.routed === false ? 'not routed' : 'none', '-', '-', '-', '-']);
      p.units.forEach((u, i) => {
        units.push([
          ...(i === 0 ? head : ['', '', '', '']),
          `${u.replica}${u.current ? '' : ' (old)'}`,
          u.state,
          u.pid === null ? '-' : String(u.pid),
          u.http === null ? '-' : String(u.http),
          u.grpc === null ? '-' : String(u.grpc),
          String(u.restarts),
        ]);
      });
    }
  }
  out.push(doc.deployments.length ? table(units) : 'no deployments');
  out.push('');
  if (traffic && doc.deployments.length) {
    out.push(formatTraffic(doc, traffic));
  }
  const routes: string[][] = [['MATCH', 'TARGETS', 'SHADOW']];
  for (const r of [...doc.routes.filter((x) => !x.grpc), ...doc.routes.filter((x) => x.grpc)]) {
    // gRPC routes share one long regex: the headers are what tells them apart
    const path = r.grpc ? 'gRPC' : r.prefix;
    const match = [r.method ?? '', path, ...r.headers.map((h) => `[${h}]`)].filter(Boolean).join(' ');
    const targets = r.targets.map((t) => `${t.service} ${t.weight}%`).join(', ');
    const unrouted = r.unroutedPercent > 0 ? ` (+${r.unroutedPercent}% unrouted)` : '';
    const mirror = r.mirror ? `${r.mirror.service} ${r.mirror.percent}%` : '-';
    routes.push([match, targets + unrouted, mirror]);
  }
  out.push(doc.routes.length ? table(routes) : `no routes for ambassador_id ${doc.ambassadorId}`);
  if (doc.diagnostics.length) {
    out.push('');
    out.push(...doc.diagnostics.map(formatDiagnostic));
  }
  if (doc.keptFiles.length) out.push(`still running the last good version of: ${doc.keptFiles.join(', ')}`);
  if (doc.reconciling) out.push('(a configuration change is being applied)');
  return `${out.join('\n')}\n`;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show what a running `sdep serve` serves: deployments, units, routes, diagnostics')
    .option('--admin <url>', 'admin base URL of `sdep serve`', 'http://127.0.0.1:8877')
    .option('--json', 'print the raw status document')
    .option(
      '--admin-token-file <file>',
      'bearer token for a protected admin port (default: $SDEP_ADMIN_TOKEN)',
    )
    .action(async (opts: { admin: string; json?: boolean; adminTokenFile?: string }) => {
      const url = `${opts.admin.replace(/\/+$/, '')}${STATUS_PATH}`;
      let init: RequestInit = {};
      try {
        const token = await resolveAdminToken(opts.adminTokenFile);
        if (token !== undefined) init = { headers: { authorization: `Bearer ${token}` } };
      } catch (err) {
        process.stderr.write(`sdep status: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
        process.stderr.write(`sdep status: cannot reach ${url}: ${cause}\n(is \`sdep serve\` running?)\n`);
        process.exitCode = 1;
        return;
      }
      if (!res.ok) {
        const hint =
          res.status === 401
            ? ' (the admin port needs a token: --admin-token-file FILE or SDEP_ADMIN_TOKEN)'
            : '';
        process.stderr.write(`sdep status: ${url} answered ${res.status}${hint}\n`);
        process.exitCode = 1;
        return;
      }
      const doc = (await res.json()) as StatusDocument;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      // the dashboard's traffic figures; a server without them still gets the rest
      let traffic: TrafficDocument | undefined;
      try {
        const t = await fetch(
          `${opts.admin.replace(/\/+$/, '')}${TRAFFIC_PATH}?since=${Date.now() / 1000}`,
          init,
        );
        if (t.ok) traffic = (await t.json()) as TrafficDocument;
      } catch {}
      process.stdout.write(formatStatus(doc, traffic));
    });
}
