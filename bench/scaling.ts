/**
 * Scaling (not part of `npm test`): `npx tsx bench/scaling.ts [--short] [--rounds=N] [--duration=S]`.
 *
 * One `sdep serve` holding five SeldonDeployments of mock classifiers:
 * replicas 1, 2 and 4 of a one-node predictor; graph depth 1, 3 and 5 (a
 * chain of MODEL nodes in one unit); and payload size 1, 100 and 10 000
 * values to the one-node predictor, through the gateway and to its unit
 * direct. wrk -t1, not pinned (units, gateway and wrk share both CPUs),
 * runs alternate across rounds; figures are medians.
 */
import { installCleanup, stopAll } from './lib/proc.js';
import { argNumber, environment, f, int, median, SHORT, table } from './lib/report.js';
import { mockDeployment, seedBody, startServe } from './lib/serve.js';
import { ensureWrk, type WrkResult, wrk } from './lib/wrk.js';

const ROUNDS = argNumber('rounds', SHORT ? 1 : 3);
const SECONDS = argNumber('duration', SHORT ? 3 : 6);

interface Case {
  group: 'replicas' | 'depth' | 'payload';
  label: string;
  url: string;
  body: string;
  connections: number;
}

async function main(): Promise<void> {
  installCleanup(SHORT ? 600 : 1800);
  ensureWrk();
  const serve = await startServe({
    'd1.yaml': mockDeployment('d1', 1, 1),
    'd3.yaml': mockDeployment('d3', 3, 1),
    'd5.yaml': mockDeployment('d5', 5, 1),
    'r2.yaml': mockDeployment('r2', 1, 2),
    'r4.yaml': mockDeployment('r4', 1, 4),
  });
  const gw = (name: string) => `http://127.0.0.1:${serve.port}/seldon/${name}/api/v1.0/predictions`;
  const d1Unit = serve.units.find((u) => u.id.includes('/d1/'))!;
  const cases: Case[] = [];
  for (const c of [16, 64]) {
    for (const [n, name] of [
      [1, 'd1'],
      [2, 'r2'],
      [4, 'r4'],
    ] as const) {
      cases.push({
        group: 'replicas',
        label: `${n} replica(s)`,
        url: gw(name),
        body: seedBody(),
        connections: c,
      });
    }
  }
  for (const [n, name] of [
    [1, 'd1'],
    [3, 'd3'],
    [5, 'd5'],
  ] as const) {
    cases.push({ group: 'depth', label: `${n} node(s)`, url: gw(name), body: seedBody(), connections: 16 });
  }
  for (const v of [1, 100, 10_000]) {
    cases.push({
      group: 'payload',
      label: `${v} values via gateway`,
      url: gw('d1'),
      body: seedBody(v),
      connections: 16,
    });
    cases.push({
      group: 'payload',
      label: `${v} values unit direct`,
      url: `http://127.0.0.1:${d1Unit.http}/api/v1.0/predictions`,
      body: seedBody(v),
      connections: 16,
    });
  }
  console.log(`# ${environment()}`);
  console.log(
    `# wrk -t1, ${SECONDS} s per run, ${ROUNDS} round(s), not pinned; ${serve.units.length} unit processes`,
  );
  for (const k of cases) await wrk({ url: k.url, connections: k.connections, seconds: 1, body: k.body });
  const samples = new Map<Case, WrkResult[]>();
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? cases : [...cases].reverse();
    for (const k of order) samples.set(k, [...(samples.get(k) ?? []), await wrk({ ...k, seconds: SECONDS })]);
  }
  const m = (k: Case, p: (x: WrkResult) => number) => median(samples.get(k)!.map(p));
  for (const group of ['replicas', 'depth', 'payload'] as const) {
    const ks = cases.filter((k) => k.group === group);
    const first = new Map<number, number>();
    const rows = ks.map((k) => {
      const rps = m(k, (x) => x.rps);
      if (!first.has(k.connections)) first.set(k.connections, rps);
      return [
        k.label,
        k.connections,
        `${(k.body.length / 1024).toFixed(1)} KiB`,
        int(rps),
        f(rps / first.get(k.connections)!, 2),
        f(
          m(k, (x) => x.mean),
          3,
        ),
        f(
          m(k, (x) => x.p50),
          3,
        ),
        f(
          m(k, (x) => x.p99),
          3,
        ),
        samples.get(k)!.reduce((n, x) => n + x.errors, 0),
      ];
    });
    console.log('');
    console.log(`## ${group}`);
    console.log(
      table([group, 'conns', 'body', 'req/s', 'vs first', 'mean ms', 'p50 ms', 'p99 ms', 'errors'], rows),
    );
  }
  await serve.close();
}

try {
  await main();
} finally {
  await stopAll();
}
