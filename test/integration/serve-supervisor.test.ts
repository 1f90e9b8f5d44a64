import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startOrphanReaper } from '../../src/core/orphan-reaper.js';
import { desiredUnits } from '../../src/local/desired-units.js';
import { EmbeddedResolver } from '../../src/local/embedded-resolver.js';
import { Supervisor, type SupervisorEvent } from '../../src/local/supervisor.js';
import { instanceKey, type Unit } from '../../src/local/unit.js';
import { deploymentSpec, predictorSpec } from '../fixtures/deployment-spec.js';
import { alive } from './serve-harness.js';

const FAKE_UNIT = fileURLToPath(new URL('./fixtures/fake-unit.mjs', import.meta.url));

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function unitsFor(...names: string[]): Unit[] {
  const spec = deploymentSpec({ predictors: names.map((n) => predictorSpec(n)) });
  return desiredUnits([spec], {
    serviceName: (d, p) => `${d.name}-${p.name}`,
    restPort: 8000,
    grpcPort: 5001,
  });
}

const workDirs: string[] = [];
const supervisors: Supervisor[] = [];
after(async () => {
  for (const s of supervisors) s.killAllNow();
  for (const d of workDirs) await rm(d, { recursive: true, force: true });
});

async function harness(
  modeFor: (u: Unit) => string,
  processGroups?: { add(p: number): void; remove(p: number): void },
) {
  const workDir = await mkdtemp(join(tmpdir(), 'sdep-sup-test-'));
  workDirs.push(workDir);
  const events: SupervisorEvent[] = [];
  const sup = new Supervisor({
    workDir,
    launcher: (unit, file) => ({
      command: process.execPath,
      args: [FAKE_UNIT, file],
      env: { ...process.env, FAKE_UNIT_MODE: modeFor(unit) },
    }),
    onEvent: (e) => events.push(e),
    backoff: { initialMs: 50, maxMs: 200, resetAfterMs: 60_000 },
    drainMs: 20,
    killAfterMs: 2000,
    ...(processGroups ? { processGroups } : {}),
  });
  supervisors.push(sup);
  const resolver = new EmbeddedResolver();
  let changes = 0;
  resolver.onChange(() => changes++);
  sup.onChange(() => resolver.update(sup.ready()));
  return { sup, resolver, events, workDir, changes: () => changes };
}

test('a unit starts, becomes ready, joins the resolver, and stops with its whole process group', async () => {
  const { sup, resolver, events, workDir } = await harness(() => 'child');
  const [unit] = unitsFor('main');
  assert.ok(unit);
  await sup.start(unit);
  const key = instanceKey(unit);
  const file = join(workDir, `${key.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`);
  assert.deepEqual(
    JSON.parse(readFileSync(file, 'utf8')),
    unit.resource,
    'unit gets its own copy of the resource',
  );
  assert.equal(await sup.whenReady(key, 5000), true);
  const [ep] = resolver.resolve('dep-main.default:8000');
  assert.ok(ep, 'ready unit resolves');
  const body = (await (await fetch(`http://127.0.0.1:${ep.port}/x`)).json()) as {
    predictor: string;
    pid: number;
  };
  assert.equal(body.predictor, 'main');
  assert.equal(resolver.resolve('dep-main.default:5001')[0]?.port, ep.grpcPort);
  assert.equal(resolver.resolve('http://dep-main.default.svc.cluster.local:8000')[0], ep);
  const [st] = sup.status();
  assert.equal(st?.ready, true);
  assert.equal(st?.pid, body.pid);
  const grandchild = Number(
    events
      .flatMap((e) => (e.event === 'unit-log' ? [e.line] : []))
      .find((l) => l.startsWith('grandchild '))
      ?.split(' ')[1],
  );
  assert.ok(grandchild > 0 && alive(grandchild));
  assert.ok(
    events.some((e) => e.event === 'unit-log' && e.line === 'a line before the listening line'),
    'other stdout lines are logged',
  );
  await sup.stop(key);
  assert.equal(alive(body.pid), false);
  await until('grandchild killed with the group', () => !alive(grandchild));
  assert.deepEqual(resolver.resolve('dep-main.default:8000'), []);
  assert.equal(existsSync(file), false);
  assert.deepEqual(sup.status(), []);
});

test('a crashing unit is restarted with back-off and never joins the resolver', async () => {
  const { sup, resolver, events } = await harness(() => 'crash');
  const [unit] = unitsFor('bad');
  assert.ok(unit);
  await sup.start(unit);
  await until('three restarts', () => (sup.status()[0]?.restarts ?? 0) >= 3);
  const delays = events.flatMap((e) => (e.event === 'unit-restarting' ? [e.delayMs] : []));
  assert.deepEqual(delays.slice(0, 3), [50, 100, 200]);
  assert.equal(sup.status()[0]?.lastExit?.code, 3);
  assert.ok(events.some((e) => e.event === 'unit-log' && e.line === 'crashing on purpose'));
  assert.deepEqual(resolver.resolve('dep-bad.default:8000'), []);
  await sup.stopAll();
  assert.deepEqual(sup.pids(), []);
});

test('a killed ready unit leaves the resolver at once and comes back with a new pid', async () => {
  const { sup, resolver, changes } = await harness(() => 'ok');
  const units = unitsFor('a', 'b');
  for (const u of units) await sup.start(u);
  for (const u of units) assert.equal(await sup.whenReady(instanceKey(u), 5000), true);
  const before = sup.status().find((s) => s.predictor === 'a');
  assert.ok(before?.pid);
  const changesBefore = changes();
  process.kill(before.pid, 'SIGKILL');
  await until('unit left the resolver', () => resolver.resolve('dep-a.default:8000').length === 0);
  assert.equal(resolver.resolve('dep-b.default:8000').length, 1, 'the other unit stays');
  await until('unit back', () => resolver.resolve('dep-a.default:8000').length === 1);
  const back = sup.status().find((s) => s.predictor === 'a');
  assert.notEqual(back?.pid, before.pid);
  assert.equal(back?.restarts, 1);
  assert.ok(changes() >= changesBefore + 2);
  const pids = sup.pids();
  await sup.stopAll();
  for (const pid of pids) assert.equal(alive(pid), false);
});

test('if serve dies without cleaning up, the orphan reaper kills the unit process groups and removes its folder', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'sdep-sup-scratch-'));
  workDirs.push(scratch);
  await writeFile(join(scratch, 'unit.json'), '{}');
  const reaper = startOrphanReaper({ scratchDir: scratch });
  const { sup, events } = await harness(() => 'child', reaper);
  const [unit] = unitsFor('orphan');
  assert.ok(unit);
  await sup.start(unit);
  assert.equal(await sup.whenReady(instanceKey(unit), 5000), true);
  const pid = sup.status()[0]?.pid;
  assert.ok(pid);
  await until('grandchild started', () =>
    events.some((e) => e.event === 'unit-log' && e.line.startsWith('grandchild ')),
  );
  const grandchild = Number(
    events
      .flatMap((e) => (e.event === 'unit-log' ? [e.line] : []))
      .find((l) => l.startsWith('grandchild '))
      ?.split(' ')[1],
  );
  // what the kernel does to serve's end of the pipe when serve is SIGKILLed
  reaper.child.stdin?.destroy();
  await until('unit killed by the reaper', () => !alive(pid));
  await until('grandchild killed by the reaper', () => !alive(grandchild));
  await until('reaper exited', () => !alive(reaper.pid));
  assert.equal(existsSync(scratch), false, 'the scratch folder is removed');
});
