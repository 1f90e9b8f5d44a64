/**
 * Soak (not part of `npm test`; a 20 s form of it is, in test/reliability):
 *
 *   npx tsx bench/soak.ts [--minutes=N | --seconds=S] [--rate=R] [--from-source] [--max-growth-mb=M]
 *
 * Starts `sdep serve` on the seed's canary (two predictors, 75/25) on
 * 127.0.0.1, then sends R requests/s (default 100) at a fixed rate — open
 * loop: a slow answer does not slow the sender — for N minutes (default 10).
 * Prints requests, failures (anything but a 200 with a prediction; expected
 * 0), the canary share, p50/p99/max latency, and the resident memory (RSS)
 * of the gateway (the serve process) and of each unit, sampled every few
 * seconds: at start (after a warm-up), at the end, and the least-squares
 * trend in MB/min. Exit 1 on any failure, or when a process grew more than
 * M MB (default 64) between warm-up and end.
 *
 * Runs the compiled CLI (bin/sdep.js, as a user does) when dist/ is built,
 * else the sources through tsx; --from-source forces the latter.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BODY = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';
const PATH = '/seldon/default/example/api/v1.0/predictions';
/** Requests allowed in flight before the sender counts a tick as late (bounds memory if the server stalls). */
const MAX_IN_FLIGHT = 512;
const REQUEST_DEADLINE_MS = 10_000;

export interface SoakOptions {
  seconds: number;
  rate: number;
  fromSource?: boolean;
  /** RSS sampling period (default 5 s; the short CI form uses less). */
  sampleEveryMs?: number;
  /** Samples before this are warm-up (JIT, pools): default 10% of the run, at least one sample. */
  warmupMs?: number;
  log?: (line: string) => void;
}

export interface RssSeries {
  name: string;
  pid: number;
  startMb: number;
  endMb: number;
  peakMb: number;
  /** Least-squares slope after warm-up, MB per minute. */
  trendMbPerMin: number;
}

export interface SoakResult {
  mode: 'compiled' | 'source';
  seconds: number;
  rate: number;
  /** What the rate asked for over the run. */
  scheduled: number;
  requests: number;
  failures: number;
  failureKinds: Record<string, number>;
  /** Ticks skipped because MAX_IN_FLIGHT requests were outstanding. */
  late: number;
  canaryShare: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rss: RssSeries[];
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function slopePerMin(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Serve processes started here: killed (by process group) if this process is interrupted. */
const running = new Set<ChildProcess>();

interface Serve {
  child: ChildProcess;
  port: number;
  admin: number;
}

async function startServe(dir: string, fromSource: boolean): Promise<Serve> {
  const compiled = join(ROOT, 'bin', 'sdep.js');
  const args = ['serve', dir, '--port', '0', '--admin-port', '0', '--log-format', 'json', '--no-watch'];
  const cmd = fromSource
    ? { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args] }
    : { command: process.execPath, args: [compiled, ...args] };
  const child = spawn(cmd.command, cmd.args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sdep serve did not get ready in 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`sdep serve exited (${code}) before ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const e = JSON.parse(line) as { event: string; http?: number; admin?: number };
        if (e.event === 'ready') {
          clearTimeout(timer);
          resolve({ child, port: e.http!, admin: e.admin! });
        }
      } catch {}
    });
  });
}

async function unitPids(admin: number): Promise<{ name: string; pid: number }[]> {
  const res = await fetch(`http://127.0.0.1:${admin}/sdep/v1/status`);
  const doc = (await res.json()) as {
    deployments: { name: string; predictors: { name: string; units: { pid: number | null }[] }[] }[];
  };
  return doc.deployments.flatMap((d) =>
    d.predictors.flatMap((p) =>
      p.units.flatMap((u) => (u.pid === null ? [] : [{ name: `unit ${d.name}/${p.name}`, pid: u.pid }])),
    ),
  );
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const fromSource = opts.fromSource === true || !existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
  const dir = await mkdtemp(join(tmpdir(), 'sdep-soak-'));
  await copyFile(join(ROOT, 'examples', 'canary.yaml'), join(dir, 'canary.yaml'));
  let serve: Serve | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    serve = await startServe(dir, fromSource);
    const port = serve.port;
    const procs = [{ name: 'gateway (sdep serve)', pid: serve.child.pid! }, ...(await unitPids(serve.admin))];
    log(
      `soak: ${opts.rate} req/s for ${opts.seconds} s through 127.0.0.1:${port} (${fromSource ? 'source via tsx' : 'compiled'}); ${procs.length - 1} units`,
    );

    const latencies: number[] = [];
    const failureKinds: Record<string, number> = {};
    let requests = 0;
    let failures = 0;
    let canary = 0;
    let inFlight = 0;
    let late = 0;
    const fail = (kind: string) => {
      failures++;
      failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
    };
    const one = () => {
      inFlight++;
      const t0 = performance.now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: PATH,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
          timeout: REQUEST_DEADLINE_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            inFlight--;
            requests++;
            latencies.push(performance.now() - t0);
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200 || !text.includes('"proba"')) fail(`status ${res.statusCode}`);
            else if (text.includes('1.2.2')) canary++;
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('deadline')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        inFlight--;
        requests++;
        fail(e.code ?? e.message);
      });
      req.end(BODY);
    };

    const samples = new Map<number, [number, number][]>();
    const sample = (at: number) => {
      for (const p of procs) {
        const mb = rssMb(p.pid);
        if (mb !== undefined) samples.set(p.pid, [...(samples.get(p.pid) ?? []), [at, mb]]);
      }
    };
    const durationMs = opts.seconds * 1000;
    const sampleEvery = opts.sampleEveryMs ?? 5000;
    const warmupMs = opts.warmupMs ?? Math.max(sampleEvery, durationMs * 0.1);
    const start = performance.now();
    let scheduled = 0;
    let nextSample = 0;
    let lastReport = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = performance.now() - start;
        const due = Math.min(Math.floor((elapsed / 1000) * opts.rate), Math.floor(opts.seconds * opts.rate));
        while (scheduled < due) {
          scheduled++;
          if (inFlight >= MAX_IN_FLIGHT) late++;
          else one();
        }
        if (elapsed >= nextSample) {
          sample(elapsed);
          nextSample += sampleEvery;
        }
        if (elapsed - lastReport >= 60_000) {
          lastReport = elapsed;
          log(`  ${Math.round(elapsed / 1000)} s: ${requests} requests, ${failures} failures`);
        }
        if (elapsed >= durationMs) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    // let the last requests finish (bounded)
    const drainUntil = performance.now() + REQUEST_DEADLINE_MS + 1000;
    while (inFlight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    sample(performance.now() - start);

    const rss: RssSeries[] = procs.flatMap((p) => {
      const s = samples.get(p.pid) ?? [];
      const steady = s.filter(([t]) => t >= warmupMs);
      const base = steady.length > 0 ? steady : s;
      if (base.length === 0) return [];
      return [
        {
          name: p.name,
          pid: p.pid,
          startMb: base[0]![1],
          endMb: base.at(-1)![1],
          peakMb: Math.max(...s.map(([, y]) => y)),
          trendMbPerMin: slopePerMin(base),
        },
      ];
    });
    const sorted = latencies.sort((a, b) => a - b);
    const ok = requests - failures;
    return {
      mode: fromSource ? 'source' : 'compiled',
      seconds: opts.seconds,
      rate: opts.rate,
      scheduled,
      requests,
      failures,
      failureKinds,
      late,
      canaryShare: ok > 0 ? canary / ok : 0,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
      rss,
    };
  } finally {
    agent.destroy();
    if (serve?.child.pid && serve.child.exitCode === null) {
      const exited = new Promise((r) => serve!.child.once('exit', r));
      serve.child.kill('SIGTERM');
      const t = setTimeout(() => {
        try {
          process.kill(-serve!.child.pid!, 'SIGKILL');
        } catch {}
      }, 15_000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatSoak(r: SoakResult): string {
  const f = (n: number) => n.toFixed(1);
  const lines = [
    `requests   ${r.requests} of ${r.scheduled} scheduled (${r.rate}/s for ${r.seconds} s, ${r.mode}); late ticks ${r.late}`,
    `failures   ${r.failures}${r.failures ? ` ${JSON.stringify(r.failureKinds)}` : ''}`,
    `canary     ${(r.canaryShare * 100).toFixed(1)}% (configured 25%)`,
    `latency    p50 ${f(r.p50Ms)} ms, p99 ${f(r.p99Ms)} ms, max ${f(r.maxMs)} ms`,
    'RSS (MB)   start → end (peak), trend after warm-up',
    ...r.rss.map(
      (s) =>
        `  ${s.name.padEnd(28)} ${f(s.startMb)} → ${f(s.endMb)} (${f(s.peakMb)}), ${s.trendMbPerMin >= 0 ? '+' : ''}${s.trendMbPerMin.toFixed(2)} MB/min`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const seconds = arg('seconds') !== undefined ? Number(arg('seconds')) : Number(arg('minutes') ?? 10) * 60;
  const rate = Number(arg('rate') ?? 100);
  const maxGrowth = Number(arg('max-growth-mb') ?? 64);
  if (!(seconds > 0) || !(rate > 0)) throw new Error('--seconds/--minutes and --rate must be positive');
  const interrupt = () => {
    for (const c of running) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {}
    }
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const r = await runSoak({ seconds, rate, fromSource: process.argv.includes('--from-source') });
  process.stdout.write(`${formatSoak(r)}\n`);
  const grew = r.rss.filter((s) => s.endMb - s.startMb > maxGrowth);
  for (const s of grew) process.stdout.write(`GREW: ${s.name} by ${(s.endMb - s.startMb).toFixed(1)} MB\n`);
  if (r.failures > 0 || grew.length > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`soak: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
