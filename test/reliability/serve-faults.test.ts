/**
 * Faults against a real `sdep serve` (units as processes, 127.0.0.1 only):
 * hostile request bodies, kill -9 of units with and without
 * `seldon.io/ambassador-retries`, a hung (SIGSTOPped) unit, a dead or hung
 * shadow, a storm of config edits, and SIGTERM with requests in flight.
 * One serve process for the file; every process is killed by PID (its
 * process group) in `after`, whatever happened. Loops are bounded in count
 * and time; assertions are on statuses and counts, not latencies.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StatusDocument, UnitStatus } from '../../src/local/index.js';
import { alive, type ServeEvent, startServe } from '../integration/serve-harness.js';

const TOKEN = 'reliability-admin-token-0123456789';
const BODY = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';

function deployment(
  name: string,
  opts: { replicas?: number; annotations?: Record<string, string> } = {},
): string {
  const ann = Object.entries(opts.annotations ?? {})
    .map(([k, v]) => `\n    ${k}: "${v}"`)
    .join('');
  return `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: ${name}${ann ? `\n  annotations:${ann}` : ''}
spec:
  predictors:
  - name: default
    replicas: ${opts.replicas ?? 1}
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: seldonio/mock_classifier:1.18.2}]
`;
}

function canary(main: number, canaryWeight: number): string {
  const predictor = (name: string, traffic: number, image: string) => `  - name: ${name}
    traffic: ${traffic}
    replicas: 1
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: '${image}'}]
`;
  return `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: storm}
spec:
  predictors:
${predictor('main', main, 'seldonio/mock_classifier:1.2.1')}${predictor('canary', canaryWeight, 'seldonio/mock_classifier:1.2.2')}`;
}

const SHADOW = `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: shadowed}
spec:
  predictors:
  - name: main
    replicas: 1
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: 'seldonio/mock_classifier:1.2.1'}]
  - name: shadow
    shadow: true
    replicas: 1
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: 'seldonio/mock_classifier:1.2.2'}]
`;

let dir = '';
let serve: ChildProcess | undefined;
let servePid = 0;
let gatewayPort = 0;
let admin = '';
let events: ServeEvent[] = [];
/** Every unit pid ever seen, so `after` can kill stragglers by PID. */
const unitPidsSeen = new Set<number>();
const stopped = new Set<number>();
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function status(): Promise<StatusDocument> {
  const res = await fetch(`${admin}/sdep/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  const doc = (await res.json()) as StatusDocument;
  for (const u of allUnits(doc)) if (u.pid !== null) unitPidsSeen.add(u.pid);
  return doc;
}

function allUnits(doc: StatusDocument): UnitStatus[] {
  return doc.deployments.flatMap((d) => d.predictors.flatMap((p) => p.units));
}

function unitsOf(doc: StatusDocument, name: string, predictor?: string): UnitStatus[] {
  const d = doc.deployments.find((x) => x.name === name);
  return (d?.predictors ?? [])
    .filter((p) => predictor === undefined || p.name === predictor)
    .flatMap((p) => p.units);
}

interface Reply {
  status: number;
  body: string;
  /** Connection-level failure (no HTTP status). */
  error?: string;
}

/** One request with a hard client-side deadline, so nothing can wait forever. */
function send(
  path: string,
  opts: {
    body?: string | Buffer;
    headers?: Record<string, string>;
    deadlineMs?: number;
    chunked?: boolean;
  } = {},
): Promise<Reply> {
  return new Promise((resolve) => {
    const body = opts.body ?? BODY;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (!opts.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port: gatewayPort,
        path,
        method: 'POST',
        headers,
        agent,
        timeout: opts.deadlineMs ?? 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client deadline')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: '', error: e.code ?? e.message }),
    );
    if (opts.chunked && Buffer.isBuffer(body)) {
      // several writes with no content-length: Transfer-Encoding: chunked
      for (let i = 0; i < body.length; i += 1 << 20) req.write(body.subarray(i, i + (1 << 20)));
      req.end();
    } else req.end(body);
  });
}

const predictPath = (name: string) => `/seldon/default/${name}/api/v1.0/predictions`;

/** Runs requests with `concurrency` workers until `stop()` is true (or `max` requests); counts statuses. */
function load(path: string, concurrency: number, max = 20_000) {
  const counts = new Map<string, number>();
  let sent = 0;
  let stopping = false;
  const latencies: number[] = [];
  /** The first few failure bodies, for the diagnostics. */
  const failures: string[] = [];
  const worker = async () => {
    while (!stopping && sent < max) {
      sent++;
      const t0 = performance.now();
      const r = await send(path);
      latencies.push(performance.now() - t0);
      const k = r.error ? `error:${r.error}` : String(r.status);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      // a failing client backs off a little, as real ones do (and the loop stays cheap)
      if (r.status !== 200) {
        if (failures.length < 5) failures.push(`${k} ${r.body.slice(0, 160)}`);
        await sleep(10);
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    counts,
    latencies,
    failures,
    get sent() {
      return sent;
    },
    async stop() {
      stopping = true;
      await done;
      return counts;
    },
    /** Waits for all `max` requests. */
    async finish() {
      await done;
      return counts;
    },
  };
}

function p(latencies: number[], q: number): number {
  const s = [...latencies].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0);
}

function signalUnit(pid: number, sig: NodeJS.Signals): void {
  process.kill(pid, sig);
  if (sig === 'SIGSTOP') stopped.add(pid);
  if (sig === 'SIGCONT') stopped.delete(pid);
}

/** Connections to `port` whose unread bytes sit in the kernel (the process is stopped). */
function queuedAt(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => Number(l.trim().split(/\s+/)[0]) > 0).length;
}

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-reliability-'));
  await writeFile(
    join(dir, 'retried.yaml'),
    deployment('retried', {
      replicas: 2,
      // Envoy's retry budget (max_retries, default 3 in flight per cluster) must cover the 4 concurrent
      // clients below, or a 4th simultaneous failure is returned as is — Envoy's own behaviour
      annotations: {
        'seldon.io/ambassador-retries': '3',
        'seldon.io/ambassador-circuit-breakers-max-retries': '16',
      },
    }),
  );
  await writeFile(
    join(dir, 'plain.yaml'),
    deployment('plain', { annotations: { 'seldon.io/rest-timeout': '1500' } }),
  );
  await writeFile(join(dir, 'storm.yaml'), canary(75, 25));
  // holds requests across SIGTERM: a route timeout far beyond any scheduling delay of a busy runner
  await writeFile(
    join(dir, 'held.yaml'),
    deployment('held', { annotations: { 'seldon.io/rest-timeout': '60000' } }),
  );
  await writeFile(join(dir, 'shadowed.yaml'), SHADOW);
  const h = await startServe([dir], [], { ...process.env, SDEP_ADMIN_TOKEN: TOKEN });
  serve = h.proc;
  servePid = serve.pid ?? 0;
  events = h.events;
  gatewayPort = Number(new URL(h.gateway).port);
  admin = h.admin;
  await status();
});

after(async () => {
  agent.destroy();
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {}
  }
  if (servePid && alive(servePid)) {
    try {
      process.kill(-servePid, 'SIGKILL');
    } catch {}
  }
  // units run in process groups of their own: kill each group we saw, by PID
  for (const e of events) if (typeof e.pid === 'number') unitPidsSeen.add(e.pid);
  for (const pid of unitPidsSeen) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('admin port: 401 without the token (SDEP_ADMIN_TOKEN), open checks, and 200 with it', async () => {
  assert.equal((await fetch(`${admin}/sdep/v1/status`)).status, 401);
  assert.equal((await fetch(`${admin}/metrics`)).status, 401);
  assert.equal((await fetch(`${admin}/ambassador/v0/check_ready`)).status, 200);
  assert.equal((await status()).deployments.length, 5);
});

test('by default every port of serve and its units listens on 127.0.0.1 only', async () => {
  const doc = await status();
  const pids = [servePid, ...allUnits(doc).flatMap((u) => (u.pid === null ? [] : [u.pid]))];
  const lines = execFileSync('ss', ['-Htlnp'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => pids.some((pid) => l.includes(`pid=${pid},`)));
  // gateway + admin for serve; HTTP + gRPC for each unit
  assert.ok(
    lines.length >= 2 + 2 * (pids.length - 1),
    `only ${lines.length} listening sockets seen:\n${lines.join('\n')}`,
  );
  for (const l of lines) {
    const local = l.trim().split(/\s+/)[3] ?? '';
    assert.match(local, /^127\.0\.0\.1:\d+$/, `listens beyond loopback: ${l}`);
  }
});

test('hostile bodies through gateway and unit: a clear 4xx each, while another client sees only 200s', async (t) => {
  const bg = load(predictPath('retried'), 2);
  const cases: [string, Parameters<typeof send>[1], number, RegExp][] = [
    ['malformed JSON', { body: '{"data":{"ndarray":[[1,2]]' }, 400, /SDEP_BAD_JSON/],
    ['not a SeldonMessage', { body: '{"foo":1}' }, 400, /SDEP_BAD_SELDON_MESSAGE|SDEP_BAD/],
    ['deep nesting', { body: `{"jsonData":${'['.repeat(50_000)}${']'.repeat(50_000)}}` }, 400, /deeper than/],
    [
      'deep ndarray',
      { body: `{"data":{"ndarray":${'['.repeat(5000)}1${']'.repeat(5000)}}}` },
      400,
      /deeper than/,
    ],
    [
      'wrong content type',
      { headers: { 'content-type': 'text/xml' }, body: '<a/>' },
      415,
      /SDEP_UNSUPPORTED/,
    ],
    [
      'invalid UTF-8',
      {
        body: Buffer.concat([
          Buffer.from('{"strData":"'),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      },
      400,
      /UTF-8/,
    ],
    ['oversized (content-length)', { body: Buffer.alloc(11 * 1024 * 1024, 0x20) }, 413, /TOO_LARGE/],
    ['oversized (chunked)', { body: Buffer.alloc(11 * 1024 * 1024, 0x20), chunked: true }, 413, /TOO_LARGE/],
    ['huge header', { headers: { 'x-big': 'a'.repeat(20_000) } }, 431, /^$/],
  ];
  for (const [what, opts, want, body] of cases) {
    const r = await send(predictPath('plain'), opts);
    assert.equal(r.status, want, `${what}: ${r.status} ${r.error ?? r.body.slice(0, 200)}`);
    assert.match(r.body, body, what);
  }
  // huge arrays within the body limit are served, not a crash
  const wide = `{"data":{"ndarray":[[${Array.from({ length: 200_000 }, () => '1').join(',')}]]}}`;
  const w = await send(predictPath('plain'), { body: wide });
  assert.ok(w.status === 200 || w.status === 400, `huge array: ${w.status}`);
  const counts = await bg.stop();
  t.diagnostic(`background client: ${JSON.stringify([...counts])}`);
  assert.deepEqual([...counts.keys()], ['200'], 'the other client saw only 200s');
  const plain = unitsOf(await status(), 'plain')[0];
  assert.equal(plain?.restarts, 0, 'no hostile body restarted the unit');
});

test('traversal paths through the real gateway: 4xx, never another deployment, never a 5xx', async () => {
  const paths = [
    '/seldon/default/plain/../retried/api/v1.0/predictions',
    '/seldon/default/plain/%2e%2e/retried/api/v1.0/predictions',
    '/seldon/default/plain/..%2f..%2fretried/api/v1.0/predictions',
    '/seldon/default/../../etc/passwd',
    '/seldon/default/plain/api/v1.0/../../../../etc/passwd',
    '/seldon/default/plain//api/v1.0/predictions',
  ];
  for (const path of paths) {
    const r = await send(path);
    assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status} ${r.body.slice(0, 120)}`);
    assert.doesNotMatch(r.body, /proba/, `${path} was answered by a model`);
  }
});

test('kill -9 of a unit with ambassador-retries (2 replicas): the supervisor restarts it and no request fails', async (t) => {
  const before = unitsOf(await status(), 'retried');
  assert.equal(before.filter((u) => u.ready).length, 2);
  const victim = before[0]!;
  const l = load(predictPath('retried'), 4);
  await sleep(300);
  signalUnit(victim.pid!, 'SIGKILL');
  const back = await until('the killed unit to be ready again', async () => {
    const u = unitsOf(await status(), 'retried').find((x) => x.id === victim.id);
    return u?.ready && u.pid !== victim.pid ? u : undefined;
  });
  await sleep(300);
  const counts = await l.stop();
  t.diagnostic(`${l.sent} requests across the kill and restart: ${JSON.stringify([...counts])}`);
  for (const f of l.failures) t.diagnostic(`failure: ${f}`);
  assert.ok(back.restarts >= 1);
  assert.deepEqual([...counts.keys()], ['200'], 'every request succeeded');
  assert.ok(l.sent >= 20, `only ${l.sent} requests ran`);
});

test('kill -9 of a unit without retries: failures are 503 only, and stop once it is back', async (t) => {
  const victim = unitsOf(await status(), 'plain')[0]!;
  const l = load(predictPath('plain'), 4);
  await sleep(300);
  signalUnit(victim.pid!, 'SIGKILL');
  await until('the killed unit to be ready again', async () => {
    const u = unitsOf(await status(), 'plain')[0];
    return u?.ready && u.pid !== victim.pid ? u : undefined;
  });
  const counts = await l.stop();
  t.diagnostic(`during the kill: ${JSON.stringify([...counts])}`);
  for (const k of counts.keys()) assert.ok(k === '200' || k === '503', `unexpected outcome ${k}`);
  const afterwards = load(predictPath('plain'), 4, 100);
  const later = await afterwards.finish();
  assert.deepEqual([...later], [['200', 100]], 'once the unit is back every request succeeds');
});

test('a hung unit (SIGSTOP): 504 at rest-timeout for every request, no growth of open sockets, then recovery', async (t) => {
  const unit = unitsOf(await status(), 'plain')[0]!;
  const fdsBefore = fdCount(servePid);
  signalUnit(unit.pid!, 'SIGSTOP');
  try {
    const statuses = new Map<number, number>();
    for (let round = 0; round < 3; round++) {
      const rs = await Promise.all(Array.from({ length: 10 }, () => send(predictPath('plain'))));
      for (const r of rs) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    t.diagnostic(
      `30 requests to a stopped unit: ${JSON.stringify([...statuses])}; serve fds ${fdsBefore} → ${fdCount(servePid)}`,
    );
    assert.deepEqual([...statuses], [[504, 30]]);
    assert.ok(fdCount(servePid) < fdsBefore + 40, `serve fds ${fdsBefore} → ${fdCount(servePid)}`);
  } finally {
    signalUnit(unit.pid!, 'SIGCONT');
  }
  const r = await until('the unit to answer again', async () => {
    const x = await send(predictPath('plain'));
    return x.status === 200 ? x : undefined;
  });
  assert.equal(r.status, 200);
});

test('a hung, then dead, shadow: the main path answers every request with 200 from main', async (t) => {
  const shadowUnit = unitsOf(await status(), 'shadowed', 'shadow')[0]!;
  const fromMain = (r: Reply) => r.status === 200 && r.body.includes('mock_classifier:1.2.1');
  const baseline = load(predictPath('shadowed'), 2, 100);
  await baseline.finish();
  signalUnit(shadowUnit.pid!, 'SIGSTOP');
  let hung: Reply[];
  const hungLat: number[] = [];
  try {
    hung = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      hung.push(await send(predictPath('shadowed')));
      hungLat.push(performance.now() - t0);
    }
    // the copies did go out, and sit unread at the stopped shadow
    assert.ok(queuedAt(shadowUnit.http!) > 0, 'the gateway sent copies to the hung shadow');
  } finally {
    signalUnit(shadowUnit.pid!, 'SIGCONT');
  }
  assert.equal(hung.filter(fromMain).length, 100, 'all 100 answered by main while the shadow hung');
  signalUnit(shadowUnit.pid!, 'SIGKILL');
  const dead: Reply[] = [];
  for (let i = 0; i < 100; i++) dead.push(await send(predictPath('shadowed')));
  assert.equal(dead.filter(fromMain).length, 100, 'all 100 answered by main with the shadow dead');
  t.diagnostic(
    `main path p50/p99 ms: shadow healthy ${p(baseline.latencies, 0.5)}/${p(baseline.latencies, 0.99)}, ` +
      `shadow hung ${p(hungLat, 0.5)}/${p(hungLat, 0.99)} (shadow timeout ${3000} ms)`,
  );
});

test('a storm of config edits under load: no failed request; the last valid file wins', async (t) => {
  const file = join(dir, 'storm.yaml');
  const l = load(predictPath('storm'), 4);
  let edits = 0;
  for (let i = 0; i < 40; i++) {
    if (i % 5 === 4) await writeFile(file, canary(75, 25).replace('traffic: 75', 'traffic: "lots"'));
    else if (i % 7 === 6) await writeFile(file, 'apiVersion: [unclosed\n');
    else {
      const main = 10 + ((i * 17) % 80);
      await writeFile(file, canary(main, 100 - main));
    }
    edits++;
    await sleep(50);
  }
  const [lastMain, lastCanary] = [30, 70];
  await writeFile(file, canary(lastMain, lastCanary));
  const settled = await until(
    'the last valid file to be served',
    async () => {
      const doc = await status();
      const route = doc.routes.find((r) => r.prefix === '/seldon/default/storm/');
      const w = Object.fromEntries((route?.targets ?? []).map((x) => [x.service.split('.')[0], x.weight]));
      return !doc.reconciling && w['storm-main'] === lastMain && w['storm-canary'] === lastCanary
        ? doc
        : undefined;
    },
    30_000,
  );
  // a storm that ends on an invalid edit: the last valid version keeps serving
  await writeFile(file, canary(55, 45).replace('traffic: 55', 'traffic: "lots"'));
  const kept = await until(
    'the invalid last edit to be reported and kept out',
    async () => {
      const doc = await status();
      return doc.keptFiles.some((f) => f.endsWith('storm.yaml')) && !doc.reconciling ? doc : undefined;
    },
    30_000,
  );
  const keptRoute = kept.routes.find((r) => r.prefix === '/seldon/default/storm/');
  assert.deepEqual(
    Object.fromEntries((keptRoute?.targets ?? []).map((x) => [x.service.split('.')[0], x.weight])),
    { 'storm-main': lastMain, 'storm-canary': lastCanary },
    'still the last valid file',
  );
  await sleep(300);
  const counts = await l.stop();
  t.diagnostic(
    `${edits + 2} edits in ~${(edits * 50) / 1000} s; ${l.sent} requests: ${JSON.stringify([...counts])}`,
  );
  assert.deepEqual([...counts.keys()], ['200'], 'every request during the storm succeeded');
  assert.equal(settled.keptFiles.length, 0, 'no file is left on a last-good version');
  assert.equal(
    settled.diagnostics.filter((d) => d.severity === 'error').length,
    0,
    'the final state has no errors',
  );
});

test('SIGTERM with requests in flight: they complete, serve exits 0, no unit process is left', async (t) => {
  const doc = await status();
  const pids = allUnits(doc).flatMap((u) => (u.pid === null ? [] : [u.pid]));
  assert.ok(pids.length >= 8, `${pids.length} units`);
  const unit = unitsOf(doc, 'held')[0]!;
  const bg = load(predictPath('retried'), 2);
  // hold three requests at a stopped unit: they are in flight when SIGTERM arrives
  signalUnit(unit.pid!, 'SIGSTOP');
  const held = Array.from({ length: 3 }, () => send(predictPath('held'), { deadlineMs: 60_000 }));
  await until(
    'three requests queued at the stopped unit',
    async () => (queuedAt(unit.http!) >= 3 ? true : undefined),
    10_000,
  );
  const exited = new Promise<number | null>((resolve) => serve!.once('exit', (code) => resolve(code)));
  process.kill(servePid, 'SIGTERM');
  await sleep(300);
  signalUnit(unit.pid!, 'SIGCONT');
  const replies = await Promise.all(held);
  const code = await exited;
  const counts = await bg.stop();
  t.diagnostic(`held: ${replies.map((r) => r.status).join(',')}; background: ${JSON.stringify([...counts])}`);
  assert.deepEqual(
    replies.map((r) => r.status),
    [200, 200, 200],
    'the requests in flight at SIGTERM completed',
  );
  for (const k of counts.keys()) assert.ok(!/^5/.test(k), `a background request got ${k}`);
  assert.equal(code, 0);
  const left = await until(
    'unit processes to be gone',
    async () => (pids.every((pid) => !alive(pid)) ? true : undefined),
    15_000,
  ).catch(() => false);
  assert.ok(left, `unit pids still alive: ${pids.filter(alive).join(', ')}`);
});
