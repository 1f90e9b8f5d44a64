/** The dashboard's view model (web/src/model.ts): status ⨝ traffic → rows per predictor; history merging. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTrafficSnapshot, TrafficHistory } from '../../src/gateway/admin/index.js';
import { createGatewayMetrics, createRegistry, gatewayRequestObserver } from '../../src/metrics/index.js';
import { buildView, mergeTraffic } from '../../web/src/model.js';
import { statusDocument, statusPredictor } from '../fixtures/status-fixtures.js';

const status = statusDocument(
  [
    {
      namespace: 'default',
      name: 'example',
      file: 'canary.yaml',
      predictors: [
        statusPredictor('main', 75, ['c_main', 'c_main_grpc']),
        statusPredictor('canary', 25, ['c_canary']),
      ],
    },
    {
      namespace: 'default',
      name: 'shadow-example',
      file: 'shadow.yaml',
      predictors: [
        statusPredictor('main', null, ['c_smain']),
        statusPredictor('shadow', null, ['c_shadow'], true),
      ],
    },
    { namespace: 'default', name: 'bad', file: 'bad.yaml', predictors: [statusPredictor('p', null, [])] },
  ],
  {
    diagnostics: [
      { code: 'SDEP_TRAFFIC_SUM', severity: 'error', resource: 'bad.yaml#0', path: 'spec.x', message: 'm' },
    ],
  },
);

async function history() {
  const m = createGatewayMetrics(createRegistry({ defaultMetrics: false }));
  const obs = gatewayRequestObserver(m);
  const h = new TrafficHistory({ smoothSeconds: 1 });
  h.add(await readTrafficSnapshot(m, 0));
  for (let i = 0; i < 20; i++) obs.observeRequest('r', 'c_main', 200, '-', 0.002);
  for (let i = 0; i < 10; i++) obs.observeRequest('g', 'c_main_grpc', 200, '-', 0.002);
  for (let i = 0; i < 10; i++) obs.observeRequest('r', 'c_canary', 200, '-', 0.002);
  m.shadowComparisons.inc({ cluster: 'c_shadow', main_cluster: 'c_smain', result: 'agree' }, 4);
  h.add(await readTrafficSnapshot(m, 1000));
  for (let i = 0; i < 10; i++) obs.observeRequest('r', 'c_canary', 200, '-', 0.002);
  h.add(await readTrafficSnapshot(m, 2000));
  return h;
}

test('roles, observed share over all of a predictor’s clusters, shadow joined to its main', async () => {
  const views = buildView(status, (await history()).document());
  const [example, shadow, bad] = views;
  assert.deepEqual(
    example!.predictors.map((p) => [p.predictor.name, p.role]),
    [
      ['main', 'main'],
      ['canary', 'canary'],
    ],
  );
  const [main, canary] = example!.predictors;
  assert.equal(main!.window.requests, 30, 'HTTP and gRPC clusters add up');
  assert.equal(canary!.window.requests, 20);
  assert.equal(main!.observedShare, 0.6);
  assert.equal(canary!.observedShare, 0.4);
  assert.deepEqual(canary!.series.rps, [10, 10]);
  assert.deepEqual(main!.series.rps, [30, 0]);
  assert.equal(shadow!.predictors[1]!.role, 'shadow');
  assert.equal(shadow!.shadows.length, 1);
  assert.equal(shadow!.shadows[0]!.main?.predictor.name, 'main');
  assert.equal(shadow!.shadows[0]!.series.window.agreement, 1);
  assert.equal(bad!.diagnostics.length, 1, 'diagnostics go with the file they are about');
  assert.equal(bad!.predictors[0]!.observedShare, null, 'no requests, no share');
});

test('mergeTraffic appends `since` chunks, pads new clusters, keeps at most max points', async () => {
  const h = await history();
  const full = h.document();
  const first = h.document();
  first.t = first.t.slice(0, 1);
  for (const c of Object.values(first.clusters)) c.rps = c.rps.slice(0, 1);
  const tail = h.document(first.t[0]);
  const merged = mergeTraffic(first, tail);
  assert.deepEqual(merged.t, full.t);
  assert.deepEqual(merged.clusters.c_canary?.rps, full.clusters.c_canary?.rps);
  const capped = mergeTraffic(first, tail, 1);
  assert.deepEqual(capped.t, [full.t.at(-1)]);
  assert.equal(capped.clusters.c_canary?.rps.length, 1);
  const empty = mergeTraffic(merged, { ...tail, t: [], clusters: {}, shadows: {} });
  assert.deepEqual(empty.t, merged.t, 'an empty chunk keeps the history');
});
