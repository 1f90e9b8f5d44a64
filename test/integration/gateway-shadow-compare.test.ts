/**
 * Shadow vs main comparison through the real gateway: upstreams on
 * 127.0.0.1 answer SeldonMessages; the gateway pairs each mirrored request's
 * two answers and reports agreement, errors and latency, without holding the
 * client's response back.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ShadowComparer, type ShadowComparison } from '../../src/gateway/index.js';
import {
  createGatewayMetrics,
  createRegistry,
  GATEWAY_METRICS,
  shadowComparisonRecorder,
} from '../../src/metrics/index.js';
import {
  mapping,
  type RunningGateway,
  request,
  runConcurrent,
  startGateway,
  startUpstream,
  type Upstream,
  waitFor,
} from './gateway-helpers.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

async function upstream(name: string, handler?: Parameters<typeof startUpstream>[1]): Promise<Upstream> {
  const u = await startUpstream(name, handler);
  closers.push(() => u.close());
  return u;
}

function answer(res: import('node:http').ServerResponse, values: number[], status = 200): void {
  const body = JSON.stringify({ data: { names: ['proba'], tensor: { shape: [values.length, 1], values } } });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

async function withComparer(
  mainH: Parameters<typeof startUpstream>[1],
  shadowH: Parameters<typeof startUpstream>[1],
  opts: Partial<ConstructorParameters<typeof ShadowComparer>[0]> = {},
): Promise<{ g: RunningGateway; seen: ShadowComparison[]; compare: ShadowComparer }> {
  const seen: ShadowComparison[] = [];
  const main = await upstream('main', mainH);
  const shadow = await upstream('shadow', shadowH);
  const shadowCompare = new ShadowComparer({
    sink: { recordShadowComparison: (c) => seen.push(c) },
    ...opts,
  });
  const g = await startGateway(
    [
      mapping('main', '/m/', main.address),
      mapping('mirror', '/m/', shadow.address, { shadow: true, timeout_ms: 10_000 }),
      mapping('plain', '/plain/', main.address),
    ],
    { shadowCompare },
  );
  closers.push(() => g.close());
  return { g, seen, compare: shadowCompare };
}

const sent = (body: string) => Number((JSON.parse(body) as { v: number }).v);

test('agree / same class / disagree are told apart per request', async () => {
  const { g, seen, compare } = await withComparer(
    (_s, res) => answer(res, [0.2, 0.8]),
    (s, res) => {
      const i = sent(s.body) % 3;
      answer(res, i === 0 ? [0.2, 0.8] : i === 1 ? [0.25, 0.7] : [0.6, 0.8]);
    },
  );
  for (let i = 0; i < 9; i++) {
    const r = await request(g.base, '/m/predict', { body: JSON.stringify({ v: i }) });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body).data.tensor.values, [0.2, 0.8], 'the client gets main’s answer');
  }
  assert.ok(await waitFor(() => seen.length === 9), `compared ${seen.length}/9`);
  const count = (r: string) => seen.filter((c) => c.result === r).length;
  assert.deepEqual([count('agree'), count('agree_argmax'), count('disagree')], [3, 3, 3]);
  const c = seen[0]!;
  assert.equal(c.route.length > 0, true);
  assert.match(c.mainCluster, /cluster_127_0_0_1_/);
  assert.notEqual(c.mainCluster, c.shadowCluster);
  assert.ok(c.mainSeconds >= 0 && c.shadowSeconds >= 0);
  assert.equal(compare.open.size, 0, 'nothing stays open');
});

test('errors on either side are counted as such, not as disagreement', async () => {
  const { g, seen } = await withComparer(
    (s, res) => (sent(s.body) === 0 ? answer(res, [1], 503) : answer(res, [1])),
    (s, res) => (sent(s.body) === 1 ? answer(res, [1], 500) : answer(res, [1])),
  );
  for (let i = 0; i < 3; i++) await request(g.base, '/m/p', { body: JSON.stringify({ v: i }) });
  assert.ok(await waitFor(() => seen.length === 3));
  assert.deepEqual(seen.map((c) => c.result).sort(), ['agree', 'main_error', 'shadow_error']);
});

test('bodies over the limit are not kept: incomparable', async () => {
  const big = Array.from({ length: 400 }, (_, i) => i / 400);
  const { g, seen } = await withComparer(
    (_s, res) => answer(res, big),
    (_s, res) => answer(res, big),
    { maxBodyBytes: 1024 },
  );
  const r = await request(g.base, '/m/p', { body: '{"v":0}' });
  assert.equal(JSON.parse(r.body).data.tensor.values.length, 400, 'the client still gets the whole body');
  assert.ok(await waitFor(() => seen.length === 1));
  assert.equal(seen[0]!.result, 'incomparable');
});

test('a slow shadow does not hold the client; the pair is reported when the shadow answers', async () => {
  const { g, seen } = await withComparer(
    (_s, res) => answer(res, [0.9]),
    (_s, res) => {
      setTimeout(() => answer(res, [0.9]), 400);
    },
  );
  const t0 = performance.now();
  const r = await request(g.base, '/m/p', { body: '{"v":0}' });
  const took = performance.now() - t0;
  assert.equal(r.status, 200);
  assert.ok(took < 300, `client waited ${took.toFixed(0)} ms`);
  assert.equal(seen.length, 0);
  assert.ok(await waitFor(() => seen.length === 1, 3000));
  assert.equal(seen[0]!.result, 'agree');
  assert.ok(seen[0]!.shadowSeconds >= 0.35, `shadow latency ${seen[0]!.shadowSeconds}`);
  assert.ok(seen[0]!.mainSeconds < seen[0]!.shadowSeconds);
});

test('at most maxOpen requests are tracked at once; routes without a shadow are not tapped', async () => {
  const { g, seen, compare } = await withComparer(
    (_s, res) => answer(res, [0.9]),
    (_s, res) => {
      setTimeout(() => answer(res, [0.9]), 300);
    },
    { maxOpen: 2 },
  );
  const openShadowPairs = () => compare.open.size;
  await runConcurrent(6, 6, (i) => request(g.base, '/m/p', { body: JSON.stringify({ v: i }) }));
  assert.ok(openShadowPairs() <= 2);
  assert.ok(await waitFor(() => openShadowPairs() === 0, 3000));
  assert.ok(seen.length >= 2 && seen.length <= 2 + 4, `compared ${seen.length}`);
  const before = seen.length;
  await request(g.base, '/plain/p', { body: '{"v":1}' });
  assert.equal(openShadowPairs(), 0);
  assert.equal(seen.length, before);
});

test('the metrics recorder exposes agreement and latency on /metrics', async () => {
  const registry = createRegistry({ defaultMetrics: false });
  const m = createGatewayMetrics(registry);
  const rec = shadowComparisonRecorder(m);
  rec.recordShadowComparison({
    mainCluster: 'cluster_main',
    shadowCluster: 'cluster_shadow',
    result: 'agree',
    mainSeconds: 0.002,
    shadowSeconds: 0.004,
  });
  rec.recordShadowComparison({
    mainCluster: 'cluster_main',
    shadowCluster: 'cluster_shadow',
    result: 'shadow_error',
    mainSeconds: 0.002,
    shadowSeconds: 0.004,
  });
  const text = await registry.metrics();
  assert.match(
    text,
    new RegExp(
      `${GATEWAY_METRICS.shadowComparisons}\\{cluster="cluster_shadow",main_cluster="cluster_main",result="agree"\\} 1`,
    ),
  );
  assert.match(text, /result="shadow_error"\} 1/);
  assert.match(
    text,
    new RegExp(
      `${GATEWAY_METRICS.shadowCompareDuration}_count\\{cluster="cluster_shadow",side="shadow"\\} 1`,
    ),
  );
});
