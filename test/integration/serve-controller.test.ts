import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Mapping } from '../../src/ambassador/mapping.js';
import type { PredictorSpec } from '../../src/api/deployment-spec.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { Controller, type LoadResult, type Pipeline } from '../../src/local/controller.js';
import { EmbeddedResolver } from '../../src/local/embedded-resolver.js';
import { Supervisor } from '../../src/local/supervisor.js';
import { buildRouteTable } from '../../src/routing/index.js';
import type { RouteTable } from '../../src/routing/route-table.js';
import { deploymentSpec, predictorSpec as predictor } from '../fixtures/deployment-spec.js';
import { alive } from './serve-harness.js';

const FAKE_UNIT = fileURLToPath(new URL('./fixtures/fake-unit.mjs', import.meta.url));

const deployment = (predictors: PredictorSpec[]) => deploymentSpec({ predictors });

/** A stand-in compiler: one Mapping per predictor on /seldon/<d>/, weights from traffic. */
function fakePipeline(current: () => LoadResult): Pipeline {
  return {
    load: async () => current(),
    compile: (specs) => ({
      diagnostics: [],
      included: [...specs],
      mappings: specs.flatMap((d) =>
        d.predictors.map(
          (p, i): Mapping => ({
            name: `${d.name}_${p.name}`,
            prefix: `/seldon/${d.name}/`,
            service: `${d.name}-${p.name}.${d.namespace}:8000`,
            ...(i > 0 && p.traffic !== undefined ? { weight: p.traffic } : {}),
            ...(p.shadow ? { shadow: true } : {}),
          }),
        ),
      ),
    }),
    buildTable: (mappings) => buildRouteTable(mappings, { ambassadorId: 'default' }),
    naming: { serviceName: (d, p) => `${d.name}-${p.name}`, restPort: 8000, grpcPort: 5001 },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function harness(current: () => LoadResult) {
  const workDir = await mkdtemp(join(tmpdir(), 'sdep-ctl-test-'));
  const supervisor = new Supervisor({
    workDir,
    launcher: (unit, file) => ({
      command: process.execPath,
      args: [FAKE_UNIT, file],
      // the canary takes a while to get ready: the swap must wait for it
      env: { ...process.env, FAKE_READY_DELAY_MS: unit.predictor === 'canary' ? '400' : '0' },
    }),
    drainMs: 20,
    killAfterMs: 2000,
    onEvent: (e) => process.env.DEBUG_CTL && console.error(JSON.stringify(e).slice(0, 200)),
  });
  cleanups.push(
    () => supervisor.killAllNow(),
    () => rm(workDir, { recursive: true, force: true }),
  );
  const resolver = new EmbeddedResolver();
  const swaps: { table: RouteTable; unresolved: string[] }[] = [];
  const controller = new Controller({
    paths: ['a.yaml'],
    pipeline: fakePipeline(current),
    supervisor,
    onEvent: (e) => process.env.DEBUG_CTL && console.error(JSON.stringify(e).slice(0, 200)),
    setTable: (table) => {
      // at swap time every cluster of the new table must have a ready endpoint
      const unresolved = [...table.clusters.values()]
        .map((c) => c.service)
        .filter((s) => resolver.resolve(s).length === 0);
      swaps.push({ table, unresolved });
    },
  });
  supervisor.onChange(() => {
    resolver.update(supervisor.ready());
    void controller.retire();
  });
  return { supervisor, resolver, controller, swaps };
}

test('tables swap only once new units are ready; removed predictors stop after the swap; bad edits keep the last good', async () => {
  let current: LoadResult = { specs: [deployment([predictor('main')])], diagnostics: [] };
  const { supervisor, controller, swaps } = await harness(() => current);

  await controller.request();
  assert.equal(swaps.length, 1);
  assert.deepEqual(swaps[0]?.unresolved, []);
  assert.equal(swaps[0]?.table.routes.length, 1);
  const mainPid = supervisor.status()[0]?.pid;
  assert.ok(mainPid);

  // add a slow canary at 25%: the table with it swaps in only when the canary is ready
  current = {
    specs: [deployment([predictor('main', { traffic: 75 }), predictor('canary', { traffic: 25 })])],
    diagnostics: [],
  };
  await controller.request();
  assert.equal(swaps.length, 2);
  assert.deepEqual(swaps[1]?.unresolved, [], 'no route to a predictor without a ready unit');
  assert.deepEqual(
    swaps[1]?.table.routes[0]?.targets.map((t) => [t.mapping, t.cumulative]),
    [
      ['dep_canary', 25],
      ['dep_main', 100],
    ],
  );
  assert.equal(
    supervisor.status().find((s) => s.predictor === 'main')?.pid,
    mainPid,
    'weight change keeps units',
  );

  // an invalid edit: the running deployment stays, the error is reported
  const bad: Diagnostic = {
    code: 'SDEP_TEST',
    severity: 'error',
    resource: 'a.yaml#0 SeldonDeployment default/dep',
    path: 'spec.predictors[1].traffic',
    message: 'broken',
  };
  current = { specs: [], diagnostics: [bad] };
  await controller.request();
  assert.deepEqual(controller.state.keptFiles, ['a.yaml']);
  assert.deepEqual(controller.state.diagnostics, [bad]);
  assert.equal(swaps.at(-1)?.table.routes[0]?.targets.length, 2);
  assert.equal(supervisor.status().length, 2);

  // remove the canary: it leaves the table, then its unit stops
  current = { specs: [deployment([predictor('main')])], diagnostics: [] };
  const canaryPid = supervisor.status().find((s) => s.predictor === 'canary')?.pid;
  assert.ok(canaryPid);
  await controller.request();
  assert.equal(swaps.at(-1)?.table.routes[0]?.targets.length, 1);
  assert.equal(alive(canaryPid), false);
  assert.deepEqual(
    supervisor.status().map((s) => s.predictor),
    ['main'],
  );

  // a changed model: a new instance rolls in, the old one goes once it is ready
  current = {
    specs: [deployment([predictor('main', { labels: { version: 'v2' } })])],
    diagnostics: [],
  };
  await controller.request();
  const after = supervisor.status();
  assert.equal(after.length, 1);
  assert.notEqual(after[0]?.pid, mainPid);
  assert.equal(alive(mainPid), false);

  await controller.close();
  await supervisor.stopAll();
});
