/**
 * End to end (not part of `npm test`): `npx tsx bench/e2e.ts [--short] [--rounds=N] [--duration=S]`.
 *
 * The seed's request (examples/mymodel.yaml, mock classifier) through
 * `sdep serve` — gateway → unit → mock classifier — against the same unit
 * process called directly, alternating, at 1, 16 and 64 connections (wrk
 * -t1, not pinned: serve, unit and wrk share the machine as in use). The
 * difference is the orchestration overhead: gateway hop plus routing.
 * Target: added mean < 1 ms and added p99 < 2.5 ms at 16 connections.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupStats, installCleanup, stopAll } from './lib/proc.js';
import { argNumber, environment, f, latencyCells, median, SHORT, table } from './lib/report.js';
import { ROOT } from './lib/sdep.js';
import { seedBody, startServe } from './lib/serve.js';
import { ensureWrk, type WrkResult, wrk } from './lib/wrk.js';

const ROUNDS = argNumber('rounds', SHORT ? 1 : 3);
const SECONDS = argNumber('duration', SHORT ? 3 : 8);
const CONNS = [1, 16, 64];

async function main(): Promise<void> {
  installCleanup(SHORT ? 300 : 1200);
  ensureWrk();
  const serve = await startServe({
    'mymodel.yaml': readFileSync(join(ROOT, 'examples/mymodel.yaml'), 'utf8'),
  });
  const unit = serve.units[0]!;
  const body = seedBody();
  const targets = [
    { name: 'unit alone', url: `http://127.0.0.1:${unit.http}/api/v1.0/predictions` },
    {
      name: 'sdep serve (gateway → unit)',
      url: `http://127.0.0.1:${serve.port}/seldon/mymodel/api/v1.0/predictions`,
    },
  ];
  console.log(`# ${environment()}`);
  console.log(
    `# wrk -t1, ${SECONDS} s per run, ${ROUNDS} round(s), the seed's request (${body.length} B), not pinned`,
  );
  for (const t of targets) await wrk({ url: t.url, connections: 16, seconds: SHORT ? 1 : 2, body });
  const logBefore = serve.unitLogLines();
  const samples = new Map<string, WrkResult[]>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of CONNS) {
      for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
        const k = `${t.name}@${c}`;
        samples.set(k, [
          ...(samples.get(k) ?? []),
          await wrk({ url: t.url, connections: c, seconds: SECONDS, body }),
        ]);
      }
    }
  }
  const rows: (string | number)[][] = [];
  for (const c of CONNS) {
    for (const t of targets) {
      const s = samples.get(`${t.name}@${c}`)!;
      rows.push([t.name, c, ...latencyCells(s), s.reduce((n, x) => n + x.errors, 0)]);
    }
  }
  console.log('');
  console.log(table(['path', 'conns', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'errors'], rows));
  const added = (c: number, p: (x: WrkResult) => number) => {
    const u = samples.get(`${targets[0]!.name}@${c}`)!;
    const g = samples.get(`${targets[1]!.name}@${c}`)!;
    return median(g.map((x, i) => p(x) - p(u[i]!)));
  };
  const checks: (string | number)[][] = [];
  for (const c of CONNS) {
    const mean = added(c, (x) => x.mean);
    const p99 = added(c, (x) => x.p99);
    checks.push([
      `added mean @${c} (ms)`,
      f(mean, 3),
      c === 16 ? '< 1' : 'report',
      c === 16 ? (mean < 1 ? 'met' : 'MISSED') : '-',
    ]);
    checks.push([
      `added p99 @${c} (ms)`,
      f(p99, 3),
      c === 16 ? '< 2.5' : 'report',
      c === 16 ? (p99 < 2.5 ? 'met' : 'MISSED') : '-',
    ]);
    checks.push([
      `added p50 @${c} (ms)`,
      f(
        added(c, (x) => x.p50),
        3,
      ),
      'report',
      '-',
    ]);
  }
  const gw = groupStats(serve.child.pid!);
  const un = groupStats(unit.pid);
  checks.push(['RSS sdep serve process (gateway + supervisor), MB', f(gw.rssMb, 0), 'report', '-']);
  checks.push(['RSS unit process, MB', f(un.rssMb, 0), 'report', '-']);
  checks.push(['unit log lines relayed during the load', serve.unitLogLines() - logBefore, '0', '-']);
  console.log('');
  console.log(table(['overhead (median of per-round differences)', 'value', 'target', ''], checks));
  await serve.close();
}

try {
  await main();
} finally {
  await stopAll();
}
