/**
 * `sdep serve` end to end, as a user runs it: real unit processes, the
 * embedded gateway, file edits, a killed unit, SIGTERM. One serve process
 * for the whole file (units take a while to start on a busy 2-core box).
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StatusDocument } from '../../src/local/index.js';
import { metricSum } from '../fixtures/prometheus-text.js';
import {
  alive,
  imageOf,
  type ServeHarness,
  startServe,
  unitPids,
  unitPredictionCount,
  waitAtLeast,
} from './serve-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

let dir = '';
let h: ServeHarness;
const predict = (path: string) => h.predict(path);
const status = () => h.status();

async function split(n: number): Promise<{ canary: number; main: number; failed: number }> {
  const out = { canary: 0, main: 0, failed: 0 };
  for (let i = 0; i < n; i++) {
    const r = await predict('/seldon/example/api/v1.0/predictions');
    if (r.status !== 200) out.failed++;
    else if (imageOf(r.json).endsWith(':1.2.2')) out.canary++;
    else out.main++;
  }
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-serve-e2e-'));
  for (const f of ['mymodel.yaml', 'canary.yaml', 'shadow.yaml'])
    await copyFile(join(EXAMPLES, f), join(dir, f));
  h = await startServe([dir]);
});

after(async () => {
  h?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the seed's curl gets 200 and the exact proba tensor", async () => {
  const r = await predict('/seldon/mymodel/api/v1.0/predictions');
  assert.equal(r.status, 200);
  assert.deepEqual((r.json as { data: unknown }).data, {
    names: ['proba'],
    tensor: { shape: [2, 1], values: [0.05133579311531625, 0.12823373759251927] },
  });
  const ns = await predict('/seldon/default/mymodel/api/v1.0/predictions');
  assert.equal(ns.status, 200, 'the namespaced URL works too');
});

test('canary 75/25 split is observed; shadow gets copies; the status endpoint tells it all', async (t) => {
  const s = await split(400);
  t.diagnostic(`75/25: canary answered ${s.canary}/400`);
  assert.equal(s.failed, 0);
  // 25% of 400 = 100, sd ≈ 8.7: 60..140 is beyond 4.5 sd
  assert.ok(s.canary >= 60 && s.canary <= 140, `canary answered ${s.canary}/400`);

  const doc = await status();
  const count = await unitPredictionCount(h, 'shadow-example', 'shadow');
  const compared = () => metricSum(`${h.admin}/metrics`, 'sdep_gateway_shadow_comparisons_total');
  const before = await count();
  const comparedBefore = await compared();
  for (let i = 0; i < 10; i++) {
    const r = await predict('/seldon/shadow-example/api/v1.0/predictions');
    assert.equal(r.status, 200);
    assert.ok(imageOf(r.json).endsWith(':1.2.1'), 'the client gets main’s answer');
  }
  assert.ok((await waitAtLeast(count, before + 10)) >= before + 10, 'shadow received a copy of each request');
  // the default --shadow-compare-rate (200 a second) compares all ten
  assert.ok(
    (await waitAtLeast(compared, comparedBefore + 10)) >= comparedBefore + 10,
    'each copy’s answer was compared with main’s',
  );

  const route = doc.routes.find((r) => r.prefix === '/seldon/shadow-example/');
  assert.equal(route?.mirror?.service, 'shadow-example-shadow.default:8000');
  const canaryRoute = doc.routes.find((r) => r.prefix === '/seldon/example/');
  assert.deepEqual(canaryRoute?.targets.map((t) => [t.service, t.weight]).sort(), [
    ['example-canary.default:8000', 25],
    ['example-main.default:8000', 75],
  ]);
});

test('editing traffic 75/25 → 50/50 changes the split with no failed request', async (t) => {
  const file = join(dir, 'canary.yaml');
  const text = await readFile(file, 'utf8');
  const from = h.events.length;
  const pidsBefore = unitPids(await status());
  let failed = 0;
  let sent = 0;
  let editing = true;
  const load = (async () => {
    while (editing && sent < 5000) {
      const r = await predict('/seldon/example/api/v1.0/predictions');
      sent++;
      if (r.status !== 200) failed++;
    }
  })();
  await writeFile(file, text.replace('traffic: 75', 'traffic: 50').replace('traffic: 25', 'traffic: 50'));
  await h.nextEvent((e) => e.event === 'table', 30_000, from);
  editing = false;
  await load;
  assert.equal(failed, 0, `${failed} of ${sent} requests failed during the change`);
  const s = await split(200);
  t.diagnostic(`${sent} requests during the edit, ${failed} failed; 50/50: canary answered ${s.canary}/200`);
  assert.equal(s.failed, 0);
  // 50% of 200 = 100, sd ≈ 7: 65..135 is 5 sd
  assert.ok(s.canary >= 65 && s.canary <= 135, `canary answered ${s.canary}/200 after the edit`);
  assert.deepEqual(unitPids(await status()).sort(), pidsBefore.sort(), 'a weight change restarts no unit');
});

test('an invalid edit is reported and the running version stays', async () => {
  const file = join(dir, 'mymodel.yaml');
  const good = await readFile(file, 'utf8');
  const from = h.events.length;
  await writeFile(file, good.replace('replicas: 1', 'replicas: "lots"'));
  await h.nextEvent((e) => e.event === 'kept-last-good', 30_000, from);
  const diag = h.events.slice(from).find((e) => e.event === 'diagnostic' && e.severity === 'error');
  assert.ok(diag, 'an error diagnostic is printed');
  assert.match(String(diag.resource), /mymodel\.yaml/);
  assert.match(String(diag.path), /replicas/);
  const r = await predict('/seldon/mymodel/api/v1.0/predictions');
  assert.equal(r.status, 200);
  const doc = await status();
  assert.ok(doc.keptFiles.some((f) => f.endsWith('mymodel.yaml')));
  await writeFile(file, good);
});

test('a killed unit comes back and counts a restart', async () => {
  const before = await status();
  const unit = before.deployments.find((d) => d.name === 'mymodel')?.predictors[0]?.units[0];
  assert.ok(unit?.pid);
  process.kill(unit.pid, 'SIGKILL');
  const deadline = Date.now() + 60_000;
  let back: StatusDocument['deployments'][number]['predictors'][number]['units'][number] | undefined;
  while (Date.now() < deadline) {
    back = (await status()).deployments.find((d) => d.name === 'mymodel')?.predictors[0]?.units[0];
    if (back?.ready && back.pid !== unit.pid) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(back?.ready, 'the unit is ready again');
  assert.notEqual(back.pid, unit.pid);
  assert.ok(back.restarts >= 1);
  assert.equal((await predict('/seldon/mymodel/api/v1.0/predictions')).status, 200);
});

test('SIGTERM: exit 0 and no unit process left', async () => {
  const pids = unitPids(await status());
  assert.ok(pids.length >= 5);
  const exited = new Promise<number | null>((resolve) => h.proc.once('exit', (code) => resolve(code)));
  h.proc.kill('SIGTERM');
  assert.equal(await exited, 0);
  for (const pid of pids) assert.equal(alive(pid), false, `unit pid ${pid} outlived serve`);
});
