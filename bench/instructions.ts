/**
 * Instructions per request (not part of `npm test`):
 * `npx tsx bench/instructions.ts [--short] [--base=<checkout>] [--shadow] [--rounds=2] [--duration=20]`.
 *
 * CPU time on a shared VM moves 10-30 % between runs; the number of
 * instructions a process executes per request does not. This runs the
 * gateway (and, with --base, another checkout's build of it, e.g. a
 * `git worktree` of the previous release after `npm run build` there) and
 * nginx, one at a time, under valgrind's callgrind, with the same 75/25
 * split and wrk load as bench/gateway.ts. Counting starts after a warm-up
 * (callgrind_control) and covers the main thread, user space only: node's
 * GC and compiler threads, and the kernel's share of each request (about
 * half the CPU, and the same for every proxy here), are left out. Under
 * valgrind each process runs some 50x slower, so the figures are counts,
 * never times. Installs valgrind (Debian) when missing and root.
 *
 * `--shadow` adds each gateway once more with a shadow of every request (a
 * third upstream): the instruction side of the target on a shadow's cost.
 * Under valgrind the gateway serves some 500 requests a second, so it is
 * told to compare 10 a second (`--shadow-compare-rate`), about the 2 % of
 * requests its default 200 a second samples at full speed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nginxConfig } from './lib/peers.js';
import {
  ensureDebian,
  freePort,
  has,
  installCleanup,
  start,
  stop,
  waitForLine,
  waitForPort,
} from './lib/proc.js';
import { argNumber, environment, f, int, median, SHORT, table } from './lib/report.js';
import { CLI, mappingsYaml, requireBuild, splitMappings, startUpstreams } from './lib/sdep.js';
import { ensureWrk, wrk } from './lib/wrk.js';

const BODY = JSON.stringify({ data: { names: ['a', 'b'], ndarray: [[1.0, 2.0]] } });
const PATH = '/api/v1.0/predictions';
const ROUNDS = argNumber('rounds', SHORT ? 1 : 2);
const SECONDS = argNumber('duration', SHORT ? 10 : 20);
const WARMUP = argNumber('warmup', SHORT ? 15 : 30);
const CONNECTIONS = 16;
const base = process.argv.find((a) => a.startsWith('--base='))?.slice(7);
const SHADOW = process.argv.includes('--shadow');
/** Comparisons a second under valgrind: the share of requests the default rate samples at full speed. */
const COMPARE_RATE = 10;

requireBuild();
ensureWrk();
if (!ensureDebian('valgrind', 'valgrind') || !has('callgrind_control')) {
  console.log('# valgrind (callgrind) is not installed: nothing to count');
  process.exit(0);
}
const baseCli = base === undefined ? undefined : join(resolve(base), 'bin', 'sdep.js');
if (baseCli !== undefined && !existsSync(join(resolve(base!), 'dist', 'cli', 'main.js'))) {
  console.error(`--base=${base}: no build there (run npm run build in it)`);
  process.exit(2);
}
installCleanup((WARMUP + SECONDS + 120) * ROUNDS * 4);

interface Target {
  name: string;
  /** The command and its arguments, given a work dir and free ports to listen on. */
  command(dir: string, port: number, adminPort: number): [string, string[]];
  /** Resolves once it serves. */
  ready(child: ReturnType<typeof start>, port: number): Promise<unknown>;
}

const ups = await startUpstreams(SHADOW ? 3 : 2, '1');
const [a, b, shadowPort] = ups.ports as [number, number, number | undefined];

/** Whether that build's gateway takes --shadow-compare-rate (older ones compare at their default). */
function takesCompareRate(cli: string): boolean {
  return execFileSync(process.execPath, [cli, 'gateway', '--help'], { encoding: 'utf8' }).includes(
    '--shadow-compare-rate',
  );
}

function gateway(name: string, cli: string, shadow = false): Target {
  const rate = shadow && takesCompareRate(cli) ? ['--shadow-compare-rate', String(COMPARE_RATE)] : [];
  return {
    name: shadow && rate.length === 0 ? `${name} (compares at its default rate)` : name,
    command(dir, port, adminPort) {
      const file = join(dir, 'mappings.yaml');
      writeFileSync(file, mappingsYaml(splitMappings([a, b], shadow ? shadowPort : undefined)));
      const ports = ['--port', String(port), '--admin-port', String(adminPort)];
      return [process.execPath, [cli, 'gateway', '--mappings', file, ...ports, ...rate]];
    },
    ready: (child) => waitForLine(child, /^gateway listening on /, 300_000),
  };
}

const targets: Target[] = [gateway('sdep gateway', CLI)];
if (SHADOW) targets.push(gateway('sdep gateway + shadow', CLI, true));
if (baseCli !== undefined) {
  targets.push(gateway(`sdep gateway (${base})`, baseCli));
  if (SHADOW) targets.push(gateway(`sdep gateway (${base}) + shadow`, baseCli, true));
}
if (ensureDebian('nginx', 'nginx')) {
  targets.push({
    name: 'nginx, 1 worker',
    command(dir, port) {
      // One process: the worker's instructions are the main thread's.
      const conf = nginxConfig(dir, port, { upstreams: [a, b] }).replace(
        'master_process on;',
        'master_process off;',
      );
      writeFileSync(join(dir, 'conf'), conf);
      return ['nginx', ['-c', join(dir, 'conf'), '-p', dir, '-e', join(dir, 'error.log')]];
    },
    ready: (_child, port) => waitForPort(port, 120_000),
  });
}

/** Main-thread instructions per request of one target, counted over SECONDS after WARMUP. */
async function count(t: Target): Promise<{ requests: number; perRequest: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-instr-'));
  const [port, adminPort] = [await freePort(), await freePort()];
  const [cmd, args] = t.command(dir, port, adminPort);
  const child = start(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, 'cg.out')}`,
      cmd,
      ...args,
    ],
    { cpu: '1', pipeStdout: true, cwd: dir },
  );
  try {
    await t.ready(child, port);
    const url = `http://127.0.0.1:${port}${PATH}`;
    await wrk({ url, connections: CONNECTIONS, seconds: WARMUP, body: BODY, cpu: '0' });
    execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' });
    const r = await wrk({ url, connections: CONNECTIONS, seconds: SECONDS, body: BODY, cpu: '0' });
    execFileSync('callgrind_control', ['-i', 'off', String(child.pid)], { stdio: 'ignore' });
    await stop(child, 120_000);
    // With --separate-threads the main thread's file ends in -01.
    const main = readdirSync(dir).find((n) => n.startsWith('cg.out') && n.endsWith('-01'));
    if (main === undefined) throw new Error(`${t.name}: no callgrind output`);
    const total = Number(/^totals: (\d+)/m.exec(readFileSync(join(dir, main), 'utf8'))?.[1]);
    return { requests: r.requests, perRequest: total / r.requests };
  } finally {
    await stop(child, 1000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, { requests: number[]; perRequest: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  // Alternated, as in the other benchmarks, though counts hardly depend on order.
  const order = targets.slice(round % targets.length).concat(targets.slice(0, round % targets.length));
  for (const t of order) {
    const r = await count(t);
    console.error(`# round ${round + 1}: ${t.name}: ${int(r.perRequest)} instructions/request`);
    const entry = results.get(t.name) ?? { requests: [], perRequest: [] };
    entry.requests.push(r.requests);
    entry.perRequest.push(r.perRequest);
    results.set(t.name, entry);
  }
}
await ups.close();

const nginx = results.get('nginx, 1 worker');
const own = results.get('sdep gateway')!;
console.log(`\n## Instructions per request, main thread, user space (callgrind), ${CONNECTIONS} connections`);
console.log(environment());
console.log(
  table(
    ['target', 'requests counted', 'instructions / request', 'vs nginx', 'vs this build'],
    [...results].map(([name, r]) => {
      const per = median(r.perRequest);
      return [
        name,
        int(median(r.requests)),
        int(per),
        nginx === undefined ? '-' : f(per / median(nginx.perRequest)),
        f(per / median(own.perRequest)),
      ];
    }),
  ),
);
if (SHADOW) {
  // The target on a shadow's cost, per build: with one on every request against without.
  for (const t of targets.filter((x) => !x.name.includes('+ shadow') && x.name.startsWith('sdep'))) {
    const shadowed = targets.find((x) => x.name.startsWith(`${t.name} + shadow`));
    const w = shadowed === undefined ? undefined : results.get(shadowed.name);
    const wo = results.get(t.name);
    if (w === undefined || wo === undefined) continue;
    console.log(`${t.name}: with a shadow / without: ${f(median(w.perRequest) / median(wo.perRequest))}`);
  }
}
process.exit(0);
