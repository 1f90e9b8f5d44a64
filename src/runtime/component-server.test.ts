import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Component } from './component.js';
import { type ComponentServer, createComponentServer } from './component-server.js';

const unit = { id: 'm', image: 'me/model:2.0' };
const component: Component = {
  predict: (X) => {
    if ((X as number[][])[0]?.[0] === 13) throw new Error('unlucky row');
    return X;
  },
  transformOutput: (X) => (X as number[][]).map((r) => r.map((v) => v + 1)),
  aggregate: (Xs) => Xs[0],
  metrics: () => [
    { key: 'my_counter', type: 'COUNTER', value: 2 },
    { key: 'my_gauge', type: 'GAUGE', value: 7, tags: { phase: 'x' } },
    { key: 'my_timer', type: 'TIMER', value: 250 },
  ],
  tags: () => ({ model: 'm' }),
  healthStatus: () => 'fine',
  initMetadata: () => ({ name: 'my-model', inputs: [{ name: 'x', datatype: 'FP32', shape: [2] }] }),
};

describe('component microservice', () => {
  let s: ComponentServer;
  let base = '';
  let plain: ComponentServer;
  let plainBase = '';
  before(async () => {
    s = createComponentServer(component, { unit, maxBodyBytes: 1024 });
    base = `http://127.0.0.1:${await s.listen(0)}`;
    plain = createComponentServer({}, { errorStyle: 'seldon' });
    plainBase = `http://127.0.0.1:${await plain.listen(0)}`;
  });
  after(async () => {
    await s.close();
    await plain.close();
  });

  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a component exception is a 500 wrapper error with its message', async () => {
    const res = await post(`${base}/predict`, { data: { ndarray: [[13]] } });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), {
      status: { code: -1, info: 'unlucky row', reason: 'MICROSERVICE_INTERNAL_ERROR', status: 1 },
    });
  });

  test('bodies over the limit get 413', async () => {
    const res = await post(`${base}/predict`, { data: { ndarray: [Array.from({ length: 600 }, () => 1)] } });
    assert.equal(res.status, 413);
    const body = (await res.json()) as { status: { info: string } };
    assert.match(body.status.info, /exceeds the limit of 1024 bytes/);
  });

  test('a shape mismatch is a 400 naming the field', async () => {
    const res = await post(`${base}/predict`, { data: { tensor: { shape: [2, 2], values: [1] } } });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { status: { info: string } };
    assert.match(body.status.info, /^data\.tensor\.values: has 1 values but shape \[2,2\] needs 4/);
  });

  test('custom metrics land in meta and in /metrics (COUNTER adds, GAUGE sets, TIMER in seconds)', async () => {
    const res = await post(`${base}/api/v1.0/predictions`, { data: { ndarray: [[1]] } });
    const out = (await res.json()) as { meta: { metrics: unknown[]; tags: unknown } };
    assert.equal(out.meta.metrics.length, 3);
    assert.deepEqual(out.meta.tags, { model: 'm' });
    await post(`${base}/predict`, { data: { ndarray: [[1]] } });
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^my_counter 4$/m);
    assert.match(text, /^my_gauge\{phase="x"\} 7$/m);
    assert.match(text, /^my_timer_sum 0\.5$/m);
    assert.match(text, /^sdep_component_request_seconds_count\{method="predict",code="200"\} [1-9]/m);
  });

  test('transform-output applies the component; transform-input without one is the identity', async () => {
    const t = await post(`${base}/transform-output`, {
      data: { names: ['a'], tensor: { shape: [1, 1], values: [1] } },
    });
    assert.deepEqual(((await t.json()) as { data: unknown }).data, {
      names: ['t:0'],
      tensor: { shape: [1, 1], values: [2] },
    });
    const i = await post(`${base}/transform-input`, { data: { names: ['a', 'b'], ndarray: [[1, 2]] } });
    assert.deepEqual(((await i.json()) as { data: unknown }).data, { names: ['a', 'b'], ndarray: [[1, 2]] });
  });

  test('aggregate also accepts {seldonMessages: [...]}', async () => {
    const res = await post(`${base}/aggregate`, { seldonMessages: [{ strData: 'a' }, { strData: 'b' }] });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { strData: string }).strData, 'a');
  });

  test('GET /predict?json= works like POST', async () => {
    const q = encodeURIComponent(JSON.stringify({ data: { ndarray: [[5]] } }));
    const res = await fetch(`${base}/predict?json=${q}`);
    assert.deepEqual(((await res.json()) as { data: unknown }).data, { names: ['t:0'], ndarray: [[5]] });
  });

  test('health status and metadata come from the component', async () => {
    const h = (await (await fetch(`${base}/health/status`)).json()) as {
      strData: string;
      meta: { tags: unknown; requestPath: unknown };
    };
    assert.equal(h.strData, 'fine');
    assert.deepEqual(h.meta.tags, { model: 'm' });
    assert.deepEqual(h.meta.requestPath, { m: 'me/model:2.0' });
    const m = (await (await fetch(`${base}/metadata`)).json()) as Record<string, unknown>;
    assert.equal(m.name, 'my-model');
    assert.deepEqual(m.versions, ['2.0']);
    assert.deepEqual(m.inputs, [{ name: 'x', datatype: 'FP32', shape: [2] }]);
  });

  test('unknown paths are 404; missing methods name themselves; seldon error style on request', async () => {
    const nf = await post(`${base}/nope`, {});
    assert.equal(nf.status, 404);
    const res = await post(`${plainBase}/predict`, { data: { ndarray: [[1]] } });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      status: {
        code: 400,
        info: 'Predict not defined',
        reason: 'SDEP_METHOD_NOT_DEFINED',
        status: 'FAILURE',
      },
    });
    const agg = await post(`${plainBase}/aggregate`, [{ strData: 'a' }]);
    assert.equal(((await agg.json()) as { status: { info: string } }).status.info, 'Aggregate not defined');
  });
});
