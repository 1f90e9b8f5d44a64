/**
 * The seed's other features through `sdep serve` as real processes: header
 * routing, the custom ambassador-config prefix, circuit-breaker overflow
 * under concurrency, a second instance with its own ambassador_id, a user's
 * JS model run from a relative path, and a unit killed mid-load.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alive, imageOf, type ServeHarness, startServe } from './serve-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

// A user's model beside its deployment file, run by a relative command; it sleeps so requests overlap.
const SLOW_MODEL = `export default class Slow {
  constructor({ delay_ms = 400 }) { this.delay = delay_ms; }
  async predict(X) { await new Promise((r) => setTimeout(r, this.delay)); return X.map((row) => row.map((v) => v * 2)); }
}
`;
const BUSY = `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: busy
spec:
  annotations:
    seldon.io/ambassador-circuit-breakers-max-requests: "2"
    seldon.io/ambassador-circuit-breakers-max-pending-requests: "1"
  predictors:
  - name: default
    graph:
      name: model
      type: MODEL
      parameters: [{name: delay_ms, type: INT, value: "400"}]
    componentSpecs:
    - spec:
        containers:
        - name: model
          command: ["sdep", "microservice", "--module", "models/slow.mjs", "--no-grpc"]
`;

let dir = '';
let main: ServeHarness | undefined;
let other: ServeHarness | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-serve-features-'));
  for (const f of ['canary.yaml', 'header-routing.yaml', 'custom-config.yaml', 'multi-ambassadors.yaml'])
    await copyFile(join(EXAMPLES, f), join(dir, f));
  await mkdir(join(dir, 'models'));
  await writeFile(join(dir, 'models', 'slow.mjs'), SLOW_MODEL);
  await writeFile(join(dir, 'busy.yaml'), BUSY);
  [main, other] = await Promise.all([
    startServe([dir]),
    // The second instance also runs the reference HTTP/1.1 stack (node:http + undici).
    startServe([dir], ['--ambassador-id', 'my_instance', '--no-fast-path']),
  ]);
});

after(() => {
  main?.kill();
  other?.kill();
  return dir ? rm(dir, { recursive: true, force: true }) : undefined;
});

test('header routing: location: london goes to example-header, others to the canary pair', async () => {
  const h = main!;
  const doc = await h.status();
  const headerPid = doc.deployments.find((d) => d.name === 'example-header')?.predictors[0]?.units[0]?.pid;
  assert.ok(headerPid);
  for (let i = 0; i < 5; i++) {
    const london = await h.predict('/seldon/example/api/v1.0/predictions', undefined, { location: 'london' });
    assert.equal(london.status, 200);
    assert.equal(imageOf(london.json), 'seldonio/mock_classifier:1.18.2', 'served by example-header');
    const plain = await h.predict('/seldon/example/api/v1.0/predictions');
    assert.equal(plain.status, 200);
    assert.match(imageOf(plain.json), /mock_classifier_rest:1\.2\.[12]$/, 'served by main or canary');
  }
});

test('custom ambassador-config: /mycompany/ml/ routes to production-model; its generated URLs do not exist', async () => {
  const h = main!;
  const r = await h.predict('/mycompany/ml/api/v1.0/predictions');
  assert.equal(r.status, 200);
  assert.deepEqual((r.json as { data: { names: string[] } }).data.names, ['proba']);
  assert.equal((await h.predict('/seldon/seldon/production-model/api/v1.0/predictions')).status, 404);
});

test('circuit breaker max-requests 2: concurrent requests beyond it get 503 x-envoy-overloaded at once', async () => {
  const h = main!;
  const body = '{"data":{"ndarray":[[1,2]]}}';
  const replies = await Promise.all(
    Array.from({ length: 8 }, () => h.predict('/seldon/busy/api/v1.0/predictions', body)),
  );
  const ok = replies.filter((r) => r.status === 200);
  const overflow = replies.filter((r) => r.status === 503 && r.headers.get('x-envoy-overloaded') === 'true');
  assert.ok(ok.length >= 1, `some requests get through (${ok.length})`);
  assert.ok(ok.length <= 3, `at most max_requests + max_pending run (${ok.length})`);
  assert.equal(ok.length + overflow.length, 8, 'every other request overflowed');
  // the relative `models/slow.mjs` resolved against the deployment's folder, parameters applied
  assert.deepEqual((ok[0]?.json as { data?: { ndarray?: number[][] } } | undefined)?.data?.ndarray, [[2, 4]]);
});

test('a second serve with --ambassador-id my_instance (and --no-fast-path) serves only multi-ambassadors, and runs only its unit', async () => {
  const h = other!;
  const served = await h.predict('/seldon/multi-ambassadors/api/v1.0/predictions');
  assert.equal(served.status, 200);
  // --no-fast-path: node's http server answered (it adds Keep-Alive; sdep's codec does not) ...
  assert.match(served.headers.get('keep-alive') ?? '', /timeout=/);
  // ... while the first instance answers on sdep's own codec.
  const fast = await main!.predict('/seldon/example/api/v1.0/predictions');
  assert.equal(fast.status, 200);
  assert.equal(fast.headers.get('keep-alive'), null);
  assert.equal((await h.predict('/seldon/mymodel/api/v1.0/predictions')).status, 404);
  assert.equal((await h.predict('/seldon/example/api/v1.0/predictions')).status, 404);
  assert.equal((await main!.predict('/seldon/multi-ambassadors/api/v1.0/predictions')).status, 404);
  const doc = await h.status();
  const running = doc.deployments.flatMap((d) =>
    d.predictors.filter((p) => p.units.length > 0).map((p) => `${d.name}/${p.name}`),
  );
  assert.deepEqual(running, ['multi-ambassadors/default']);
  assert.ok(doc.routes.every((r) => r.targets.every((t) => t.service.startsWith('multi-ambassadors-'))));
});

test('killing the canary unit mid-load: every 200 is a whole prediction, failures are 503s, and it comes back', async (t) => {
  const h = main!;
  const before = await h.status();
  const canary = before.deployments
    .find((d) => d.name === 'example')
    ?.predictors.find((p) => p.name === 'canary');
  const pid = canary?.units[0]?.pid;
  assert.ok(pid);
  const statuses = new Map<number, number>();
  let broken = 0;
  let killed = false;
  let backAt = 0;
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 4000 && Date.now() < deadline; i++) {
    if (i === 50) {
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
    const r = await h.predict('/seldon/example/api/v1.0/predictions');
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status === 200) {
      const data = (r.json as { data?: { tensor?: { shape?: number[] } } }).data;
      if (JSON.stringify(data?.tensor?.shape) !== '[2,1]') broken++;
    }
    if (killed && backAt === 0 && i % 20 === 0) {
      const u = (await h.status()).deployments
        .find((d) => d.name === 'example')
        ?.predictors.find((p) => p.name === 'canary')?.units[0];
      if (u?.ready && u.pid !== pid) backAt = i;
    }
    if (backAt > 0 && i > backAt + 100) break;
  }
  const summary = JSON.stringify(Object.fromEntries(statuses));
  t.diagnostic(`canary killed at request 50, ready again by request ${backAt}; statuses ${summary}`);
  assert.equal(broken, 0, `a 200 without a whole prediction (${summary})`);
  assert.deepEqual(
    [...statuses.keys()].filter((s) => s !== 200 && s !== 503),
    [],
    `only 503s fail (${summary})`,
  );
  assert.ok(backAt > 0, `the canary came back (${summary})`);
  // once it is back, concurrent requests all succeed
  const after = await Promise.all(
    Array.from({ length: 20 }, () => h.predict('/seldon/example/api/v1.0/predictions')),
  );
  assert.ok(after.every((r) => r.status === 200));
});

/** Processes whose working directory is inside `root` (the container processes serve started there). */
async function processesIn(root: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/cwd`)).startsWith(root)) out.push(Number(entry));
    } catch {}
  }
  return out;
}

/** Resolves once `path` no longer exists; fails after 10 s. */
async function waitGone(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (existsSync(path)) {
    if (Date.now() > deadline) assert.fail(`${path} is still there`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('serve SIGKILLed: no unit and no container process outlives it, and its folder of unit files is removed', async () => {
  const h = main!;
  const units = (await h.status()).deployments.flatMap((d) =>
    d.predictors.flatMap((p) => p.units.flatMap((u) => (u.pid ? [u.pid] : []))),
  );
  assert.ok((await processesIn(dir)).length >= 1, 'the busy model runs as a process in the folder');
  // serve's own folder of unit spec files, as a unit's command line names it
  const args = (await readFile(`/proc/${units[0]}/cmdline`, 'utf8')).split('\0');
  const at = args.indexOf('--spec');
  assert.ok(at >= 0 && at + 1 < args.length, `a unit started from a spec file: ${args.join(' ')}`);
  const specFile = args[at + 1]!;
  assert.equal(existsSync(specFile), true);
  process.kill(h.proc.pid!, 'SIGKILL');
  const deadline = Date.now() + 15_000;
  let left: number[] = [];
  while (Date.now() < deadline) {
    left = [...(await processesIn(dir)), ...units.filter((pid) => alive(pid))];
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(left, [], 'processes left behind');
  await waitGone(dirname(specFile));
});
