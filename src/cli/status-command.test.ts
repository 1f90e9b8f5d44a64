import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusDocument, statusPredictor } from '../../test/fixtures/status-fixtures.js';
import { readTrafficSnapshot, TrafficHistory } from '../gateway/admin/index.js';
import { createGatewayMetrics, createRegistry, gatewayRequestObserver } from '../metrics/index.js';
import { formatStatus, formatTraffic } from './status-command.js';

const doc = statusDocument([
  {
    namespace: 'default',
    name: 'example',
    file: 'canary.yaml',
    predictors: [statusPredictor('main', 75, ['c_main']), statusPredictor('canary', 25, ['c_canary'])],
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
]);

test('sdep status: traffic per predictor (share of its deployment) and shadow agreement', async () => {
  const m = createGatewayMetrics(createRegistry({ defaultMetrics: false }));
  const obs = gatewayRequestObserver(m);
  const h = new TrafficHistory();
  h.add(await readTrafficSnapshot(m, 0));
  for (let i = 0; i < 30; i++) obs.observeRequest('r', 'c_main', 200, '-', 0.002);
  for (let i = 0; i < 10; i++)
    obs.observeRequest('r', 'c_canary', i === 0 ? 503 : 200, i === 0 ? 'UO' : '-', 0.002);
  for (let i = 0; i < 4; i++) obs.observeRequest('r', 'c_smain', 200, '-', 0.002);
  const labels = { cluster: 'c_shadow', main_cluster: 'c_smain' };
  m.shadowComparisons.inc({ ...labels, result: 'agree' }, 3);
  m.shadowComparisons.inc({ ...labels, result: 'disagree' }, 1);
  h.add(await readTrafficSnapshot(m, 2000));
  const text = formatTraffic(doc, h.document());
  assert.match(text, /default\/example\s+main\s+75%\s+75\.0%\s+15\.0/);
  assert.match(text, /default\/example\s+canary\s+25%\s+25\.0%\s+5\.0\s+\S+\s+\S+\s+1 \(10\.0%\)\s+1/);
  assert.match(text, /default\/shadow-example\s+shadow\s+4\s+75\.0%\s+75\.0%\s+0/);
  assert.match(formatStatus(doc, h.document()), /traffic, last 60s/);
  assert.doesNotMatch(formatStatus(doc), /traffic, last/, 'no traffic document, no traffic table');
});
