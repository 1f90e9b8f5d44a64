/**
 * `sdep status`: what a running `sdep serve` is doing, from its admin port
 * (`GET /sdep/v1/status`), as tables: deployments and units, routes,
 * diagnostics.
 */
import type { Command } from 'commander';
import { formatDiagnostic } from '../core/diagnostic.js';
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

export function formatStatus(doc: StatusDocument): string {
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
    .action(async (opts: { admin: string; json?: boolean }) => {
      const url = `${opts.admin.replace(/\/+$/, '')}${STATUS_PATH}`;
      let res: Response;
      try {
        res = await fetch(url);
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
        process.stderr.write(`sdep status: cannot reach ${url}: ${cause}\n(is \`sdep serve\` running?)\n`);
        process.exitCode = 1;
        return;
      }
      if (!res.ok) {
        process.stderr.write(`sdep status: ${url} answered ${res.status}\n`);
        process.exitCode = 1;
        return;
      }
      const doc = (await res.json()) as StatusDocument;
      process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : formatStatus(doc));
    });
}
