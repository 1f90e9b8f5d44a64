/**
 * What `sdep serve` prints: a readable account for people (`pretty`) or one
 * JSON object per line for machines (`json`, each with an `event` field).
 * Unit output is prefixed with the unit id in both.
 */
import { type Diagnostic, formatDiagnostic } from '../core/diagnostic.js';
import type { ControllerEvent, StatusDocument, SupervisorEvent } from '../local/index.js';
import { prettyUnitLine } from './unit-log-line.js';

export type LogFormat = 'pretty' | 'json';

export interface ServeOutput {
  event(e: Record<string, unknown> & { event: string }, pretty?: string): void;
  supervisor(e: SupervisorEvent): void;
  controller(e: ControllerEvent): void;
  diagnostics(ds: readonly Diagnostic[]): void;
}

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function createServeOutput(format: LogFormat): ServeOutput {
  const json = format === 'json';
  const out: ServeOutput = {
    event(e, pretty) {
      if (json) write(JSON.stringify({ time: new Date().toISOString(), ...e }));
      else if (pretty !== undefined) write(pretty);
    },
    supervisor(e) {
      switch (e.event) {
        case 'unit-log':
          if (json) out.event({ event: 'unit-log', unit: e.id, stream: e.stream, line: e.line });
          else {
            const text = prettyUnitLine(e.line);
            if (text !== undefined) write(`[${e.id}] ${text}`);
          }
          return;
        case 'unit-starting':
          out.event(e, e.attempt > 1 ? undefined : `  … ${e.id}: starting`);
          return;
        case 'unit-listening':
          out.event(e);
          return;
        case 'unit-ready':
          out.event(e, `  ✓ ${e.id}: ready in ${e.ms} ms (pid ${e.pid}, http ${e.http}, grpc ${e.grpc})`);
          return;
        case 'unit-slow':
          out.event(e, `  ! ${e.id}: not ready after ${Math.round(e.ms / 1000)} s (still waiting)`);
          return;
        case 'unit-exited':
          out.event(
            e,
            `  ✗ ${e.id}: exited (${e.signal ? `signal ${e.signal}` : `code ${e.code}`}, pid ${e.pid})`,
          );
          return;
        case 'unit-restarting':
          out.event(e, `  ↻ ${e.id}: restart #${e.restarts} in ${e.delayMs / 1000} s`);
          return;
        case 'unit-stopped':
          out.event(e, `  - ${e.id}: stopped`);
          return;
      }
    },
    controller(e) {
      switch (e.event) {
        case 'diagnostics':
          out.diagnostics(e.diagnostics);
          if (e.keptFiles.length) {
            out.event(
              { event: 'kept-last-good', files: e.keptFiles },
              `keeping the last good version of ${e.keptFiles.join(', ')} running until it is fixed`,
            );
          }
          return;
        case 'units-planned':
          out.event(
            {
              event: 'units-planned',
              generation: e.generation,
              start: e.start.map((u) => u.id),
              stop: e.stop,
              keep: e.keep,
            },
            e.start.length || e.stop.length
              ? `units: ${e.start.length} to start, ${e.stop.length} to stop, ${e.keep} unchanged`
              : undefined,
          );
          return;
        case 'not-ready':
          out.event(e, `! not ready in time, routing anyway: ${e.units.join(', ')}`);
          return;
        case 'reconcile-failed':
          out.event(e, `error: reconcile failed: ${e.message}`);
          return;
        case 'table':
          out.event({ event: 'table', generation: e.generation, routes: e.table.routes.length });
          return;
        default:
          out.event(e);
      }
    },
    diagnostics(ds) {
      for (const d of ds) {
        out.event({ event: 'diagnostic', ...d }, formatDiagnostic(d));
      }
    },
  };
  return out;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The startup summary: deployments, units, routes and commands to try. */
export function formatSummary(
  doc: StatusDocument,
  gatewayUrl: string,
  adminUrl: string,
  httpsUrl?: string,
): string {
  const lines: string[] = [];
  lines.push(`deployments (${doc.deployments.length}):`);
  for (const d of doc.deployments) {
    lines.push(`  ${d.namespace}/${d.name}  (${d.file})`);
    for (const p of d.predictors) {
      const share = p.shadow ? 'shadow' : p.traffic === null ? '' : `traffic ${p.traffic}%`;
      const ports = p.units
        .filter((u) => u.current)
        .map((u) => (u.ready ? `pid ${u.pid} http ${u.http} grpc ${u.grpc}` : u.state))
        .join('; ');
      const readiness = p.routed
        ? `ready ${p.readyReplicas}/${p.replicas}`
        : `not routed by ambassador_id ${doc.ambassadorId}: no units`;
      const text = [`predictor ${p.name}`, share, readiness, ports].filter(Boolean);
      lines.push(`    ${text.join('  ')}`);
    }
  }
  lines.push(`routes (ambassador_id ${doc.ambassadorId}):`);
  if (doc.routes.length === 0) lines.push('  none');
  // REST first: those are what people curl; gRPC routes after
  for (const r of [...doc.routes.filter((x) => !x.grpc), ...doc.routes.filter((x) => x.grpc)]) {
    const match = [r.method, r.grpc ? 'gRPC' : r.prefix, ...r.headers.map((h) => `[${h}]`)]
      .filter(Boolean)
      .join(' ');
    const targets = r.targets.map((t) => `${t.service} ${t.weight}%`).join(', ');
    const mirror = r.mirror ? `  shadow → ${r.mirror.service} ${r.mirror.percent}%` : '';
    lines.push(`  ${match}  → ${targets}${mirror}`);
  }
  lines.push(
    `gateway ${gatewayUrl}${httpsUrl ? `  ${httpsUrl}` : ''}   admin ${adminUrl}   (diag: ${adminUrl}/ambassador/v0/diag/)`,
  );
  lines.push(`dashboard ${adminUrl}/`);
  const body = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';
  const tries = doc.routes
    .filter((r) => !r.grpc && !r.regex && r.prefix.startsWith('/') && r.targets.length > 0)
    .sort((a, b) => a.headers.length - b.headers.length || a.prefix.length - b.prefix.length);
  if (tries.length) lines.push('try:');
  const host = gatewayUrl.replace(/^http:\/\//, '');
  for (const r of tries.slice(0, 8)) {
    const headers = r.headers
      .filter((h) => h.includes('='))
      .map((h) => ` -H ${shellQuote(h.replace('=', ': '))}`)
      .join('');
    lines.push(
      `  curl -v ${host}${r.prefix}api/v1.0/predictions -d '${body}' -H "Content-Type: application/json"${headers}`,
    );
  }
  lines.push(`  sdep status --admin ${adminUrl}`);
  return lines.join('\n');
}
