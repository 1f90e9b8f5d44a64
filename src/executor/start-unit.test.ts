import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentSpec, modelNode, predictorSpec } from '../../test/fixtures/deployment-spec.js';
import type { GraphNode } from '../api/deployment-spec.js';
import { isSdepError } from '../core/sdep-error.js';
import type { Component } from '../runtime/component.js';
import { startUnit } from './start-unit.js';

const deployment = (graph: GraphNode) =>
  deploymentSpec({ predictors: [predictorSpec('p', { graph, componentSpecs: [] })] });

const builtinNode = (name: string, implementation: string) => modelNode(name, { implementation });

const post = (base: string, body: unknown) =>
  fetch(`${base}/api/v1.0/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('/ready is 503 until every component has loaded, then 200; predictions wait for the load', async () => {
  let release!: () => void;
  const loaded = new Promise<void>((r) => {
    release = r;
  });
  const slow: Component = { load: () => loaded, predict: () => [[42]] };
  const unit = await startUnit({
    deployment: deployment(builtinNode('m', 'SLOW')),
    predictor: 'p',
    grpcPort: -1,
    createBuiltin: () => slow,
  });
  const base = `http://127.0.0.1:${unit.httpPort}`;
  try {
    const notYet = await fetch(`${base}/ready`);
    assert.equal(notYet.status, 503);
    assert.equal(
      ((await notYet.json()) as { status: { reason: string } }).status.reason,
      'SDEP_UNIT_NOT_READY',
    );
    const v2NotYet = await fetch(`${base}/v2/health/ready`);
    assert.equal(v2NotYet.status, 503);
    await v2NotYet.arrayBuffer();
    const live = await fetch(`${base}/live`);
    assert.equal(live.status, 200, 'live while loading');
    await live.arrayBuffer();
    const pending = post(base, { data: { ndarray: [[1]] } });
    release();
    await unit.ready;
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 200);
    await ready.arrayBuffer();
    const res = await pending;
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { data: { ndarray: unknown } }).data.ndarray, [[42]]);
  } finally {
    await unit.close();
  }
});

test('component metrics become Prometheus metrics: COUNTER, GAUGE, TIMER', async () => {
  const c: Component = {
    predict: () => [[1]],
    metrics: () => [
      { key: 'my_hits', type: 'COUNTER', value: 2 },
      { key: 'my_level', type: 'GAUGE', value: 7, tags: { colour: 'blue' } },
      { key: 'my_time', type: 'TIMER', value: 20 },
    ],
  };
  const unit = await startUnit({
    deployment: deployment(builtinNode('m', 'X')),
    predictor: 'p',
    grpcPort: -1,
    createBuiltin: () => c,
  });
  const base = `http://127.0.0.1:${unit.httpPort}`;
  try {
    for (let i = 0; i < 2; i++) await (await post(base, { data: { ndarray: [[1]] } })).arrayBuffer();
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^my_hits\{[^}]*model_name="m"[^}]*\} 4$/m, 'counter incremented by 2 twice');
    assert.match(text, /^my_level\{[^}]*colour="blue"[^}]*\} 7$/m);
    assert.match(text, /^my_time_count\{[^}]*\} 2$/m);
    assert.match(text, /^my_time_sum\{[^}]*\} 0\.04$/m, 'TIMER ms observed in seconds');
  } finally {
    await unit.close();
  }
});

test('close() lets an in-flight request finish, then stops listening', async () => {
  const c: Component = { predict: () => new Promise((r) => setTimeout(() => r([[7]]), 300)) };
  const unit = await startUnit({
    deployment: deployment(builtinNode('m', 'X')),
    predictor: 'p',
    grpcPort: -1,
    createBuiltin: () => c,
  });
  const base = `http://127.0.0.1:${unit.httpPort}`;
  await unit.ready;
  const inflight = post(base, { data: { ndarray: [[1]] } });
  await new Promise((r) => setTimeout(r, 50));
  const closed = unit.close();
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.deepEqual(((await res.json()) as { data: { ndarray: unknown } }).data.ndarray, [[7]]);
  await closed;
  await assert.rejects(fetch(`${base}/live`));
});

test('an unknown predictor is a clear error listing the ones there are', async () => {
  await assert.rejects(
    startUnit({
      deployment: deployment(builtinNode('m', 'X')),
      predictor: 'nope',
      createBuiltin: () => ({}),
    }),
    (e: unknown) => {
      assert.ok(isSdepError(e));
      assert.equal(e.code, 'SDEP_UNIT_PREDICTOR_NOT_FOUND');
      assert.match(e.message, /no predictor 'nope' \(has: p\)/);
      return true;
    },
  );
});

test('built-in RANDOM_ABTEST router in a unit records its choice in meta.routing', async () => {
  const graph: GraphNode = {
    name: 'ab',
    type: 'ROUTER',
    implementation: 'RANDOM_ABTEST',
    endpoint: { type: 'REST' },
    parameters: [{ name: 'ratioA', type: 'FLOAT', value: '1', parsed: 1 }],
    children: [builtinNode('a', 'MOCK_CLASSIFIER'), builtinNode('b', 'MOCK_CLASSIFIER')],
  };
  const unit = await startUnit({ deployment: deployment(graph), predictor: 'p', grpcPort: -1 });
  const base = `http://127.0.0.1:${unit.httpPort}`;
  try {
    await unit.ready;
    const res = await post(base, { data: { ndarray: [[0, 0]] } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { meta: { routing: unknown; requestPath: unknown } };
    assert.deepEqual(body.meta.routing, { ab: 0 });
    assert.deepEqual(body.meta.requestPath, { ab: 'RANDOM_ABTEST', a: 'MOCK_CLASSIFIER' });
  } finally {
    await unit.close();
  }
});
