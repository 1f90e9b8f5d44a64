import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGatewayMetrics, createRegistry, GATEWAY_METRICS, statusClass } from './index.js';

test('createRegistry includes process metrics; createGatewayMetrics registers every gateway name once', async () => {
  const registry = createRegistry();
  const m = createGatewayMetrics(registry);
  assert.equal(createGatewayMetrics(registry), m, 'second call returns the same metrics');
  m.requests.inc({ cluster: 'cluster_a', route: 'r', status_class: statusClass(503) });
  m.requestDuration.observe({ cluster: 'cluster_a', route: 'r' }, 0.012);
  const text = await registry.metrics();
  assert.match(text, /sdep_gateway_requests_total\{cluster="cluster_a",route="r",status_class="5xx"\} 1/);
  assert.match(text, /sdep_process_cpu_user_seconds_total/);
  for (const name of Object.values(GATEWAY_METRICS)) assert.ok(text.includes(`# HELP ${name} `), name);
});

test('createRegistry without default metrics is empty until metrics are added', async () => {
  const registry = createRegistry({ defaultMetrics: false });
  assert.equal((await registry.metrics()).trim(), '');
});

test('statusClass', () => {
  assert.equal(statusClass(200), '2xx');
  assert.equal(statusClass(404), '4xx');
  assert.equal(statusClass(0), 'other');
});
