import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createGatewayMetrics, createRegistry, gatewayRequestObserver } from '../../metrics/index.js';
import { createAdminServer } from './admin-server.js';
import {
  histogramQuantile,
  readTrafficSnapshot,
  startTrafficSampler,
  type TrafficDocument,
  TrafficHistory,
} from './traffic-history.js';
import { TRAFFIC_PATH, trafficHandler } from './traffic-route.js';

function setup() {
  const registry = createRegistry({ defaultMetrics: false });
  const m = createGatewayMetrics(registry);
  return { registry, m, obs: gatewayRequestObserver(m) };
}

test('histogramQuantile interpolates within the bucket, like Prometheus', () => {
  // 15 bounds + Inf; 10 observations all in (0.001, 0.0025]
  const cum = [0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
  assert.equal(histogramQuantile(0.5, cum), 0.001 + 0.0015 * 0.5);
  assert.equal(histogramQuantile(0.5, new Array(16).fill(0)), null);
});

test('snapshots sum routes per cluster; the document gives rates, error ratio, quantiles, overflows', async () => {
  const { m, obs } = setup();
  const h = new TrafficHistory({ smoothSeconds: 1, windowSeconds: 60 });
  h.add(await readTrafficSnapshot(m, 1_000_000));
  for (let i = 0; i < 30; i++) obs.observeRequest('r1', 'cluster_main', 200, '-', 0.004);
  for (let i = 0; i < 10; i++) obs.observeRequest('r2', 'cluster_main', 200, '-', 0.004);
  for (let i = 0; i < 10; i++) obs.observeRequest('r1', 'cluster_canary', 503, 'UO', 0.0005);
  obs.observeRequest('', '', 404, 'NR', 0);
  h.add(await readTrafficSnapshot(m, 1_002_000));
  const doc = h.document();
  assert.deepEqual(doc.t, [1002]);
  assert.deepEqual(
    Object.keys(doc.clusters),
    ['cluster_canary', 'cluster_main'],
    'no-route is not a cluster',
  );
  const main = doc.clusters.cluster_main!;
  assert.deepEqual(main.rps, [20]);
  assert.equal(main.window.requests, 40);
  assert.equal(main.window.rps, 20);
  assert.equal(main.window.errorRate, 0);
  assert.ok(main.window.p50! > 2.5 && main.window.p50! <= 5, `p50 ${main.window.p50} ms`);
  const canary = doc.clusters.cluster_canary!;
  assert.equal(canary.window.errors, 10);
  assert.equal(canary.window.errorRate, 1);
  assert.equal(canary.window.overflows, 10);
  assert.deepEqual(canary.overflows, [5]);
  assert.equal(canary.total.requests, 10);
});

test('shadow comparisons: agreement over the window and per point', async () => {
  const { m } = setup();
  const h = new TrafficHistory({ smoothSeconds: 1 });
  const labels = { cluster: 'cluster_shadow', main_cluster: 'cluster_main' };
  h.add(await readTrafficSnapshot(m, 0));
  m.shadowComparisons.inc({ ...labels, result: 'agree' }, 8);
  m.shadowComparisons.inc({ ...labels, result: 'agree_argmax' }, 1);
  m.shadowComparisons.inc({ ...labels, result: 'disagree' }, 1);
  m.shadowComparisons.inc({ ...labels, result: 'shadow_error' }, 5);
  m.shadowCompareDuration.observe({ cluster: 'cluster_shadow', side: 'shadow' }, 0.02);
  m.shadowCompareDuration.observe({ cluster: 'cluster_shadow', side: 'main' }, 0.002);
  h.add(await readTrafficSnapshot(m, 1000));
  const s = h.document().shadows.cluster_shadow!;
  assert.equal(s.mainCluster, 'cluster_main');
  assert.equal(s.window.compared, 10, 'errors are not comparisons');
  assert.equal(s.window.agreement, 0.9);
  assert.equal(s.window.exactAgreement, 0.8);
  assert.equal(s.window.results.shadow_error, 5);
  assert.deepEqual(s.agreement, [0.9]);
  assert.ok(s.window.shadowP50! > s.window.mainP50!);
});

test('the ring keeps `capacity` snapshots; `since` returns only newer points; windows cover windowSeconds', async () => {
  const { m, obs } = setup();
  const h = new TrafficHistory({ capacity: 5, windowSeconds: 2 });
  for (let i = 0; i < 8; i++) {
    obs.observeRequest('r', 'c', 200, '-', 0.001);
    h.add(await readTrafficSnapshot(m, i * 1000));
  }
  assert.equal(h.size, 5);
  const all = h.document();
  assert.deepEqual(all.t, [4, 5, 6, 7]);
  assert.equal(all.clusters.c!.window.requests, 2, 'the last 2 s');
  assert.equal(all.clusters.c!.total.requests, 7, 'since the first snapshot');
  const tail = h.document(5);
  assert.deepEqual(tail.t, [6, 7]);
  assert.equal(tail.clusters.c!.rps.length, 2);
  assert.equal(new TrafficHistory().document().t.length, 0, 'empty before the first sample');
});

test('GET /sdep/v1/metrics on the admin server; bad since is a 400', async () => {
  const { registry, m, obs } = setup();
  let t = 10_000;
  const sampler = startTrafficSampler(m, { now: () => t });
  await sampler.sample();
  obs.observeRequest('r', 'cluster_x', 200, '-', 0.003);
  t += 1000;
  await sampler.sample();
  const server: Server = createAdminServer({
    getTable: () => undefined,
    registry,
    extraRoutes: [{ path: TRAFFIC_PATH, handler: trafficHandler(sampler.history) }],
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const res = await fetch(`${base}${TRAFFIC_PATH}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    const doc = (await res.json()) as TrafficDocument;
    assert.equal(doc.clusters.cluster_x?.window.requests, 1);
    assert.equal(doc.intervalMs, 1000);
    const later = (await (
      await fetch(`${base}${TRAFFIC_PATH}?since=${doc.t.at(-1)}`)
    ).json()) as TrafficDocument;
    assert.deepEqual(later.t, []);
    assert.equal(later.clusters.cluster_x?.window.requests, 1, 'windows come with every answer');
    assert.equal((await fetch(`${base}${TRAFFIC_PATH}?since=abc`)).status, 400);
  } finally {
    sampler.stop();
    server.closeAllConnections();
    server.close();
  }
});
