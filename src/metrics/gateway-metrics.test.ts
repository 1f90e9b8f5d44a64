import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createGatewayMetrics,
  createRegistry,
  GATEWAY_METRICS,
  gatewayRequestObserver,
  statusClass,
} from './index.js';

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

test('gatewayRequestObserver counts responses and Envoy flags', async () => {
  const registry = createRegistry({ defaultMetrics: false });
  const obs = gatewayRequestObserver(createGatewayMetrics(registry));
  obs.observeRequest('r1', 'cluster_a', 200, '-', 0.01);
  obs.observeRequest('', '', 404, 'NR', 0.001);
  obs.observeRequest('r1', 'cluster_a', 503, 'UO', 0.001);
  obs.observeRequest('r1', 'cluster_a', 504, 'UT', 3);
  obs.observeShadow('cluster_s', 'ok');
  obs.observeShadow('cluster_s', 'ok');
  obs.observeShadow('cluster_s', 'timeout');
  const text = await registry.metrics();
  assert.match(text, /sdep_gateway_shadow_requests_total\{cluster="cluster_s",outcome="ok"\} 2/);
  assert.match(text, /sdep_gateway_shadow_requests_total\{cluster="cluster_s",outcome="timeout"\} 1/);
  assert.match(text, /sdep_gateway_requests_total\{cluster="cluster_a",route="r1",status_class="2xx"\} 1/);
  assert.match(text, /sdep_gateway_no_route_total 1/);
  assert.match(
    text,
    /sdep_gateway_upstream_rq_pending_overflow_total\{cluster="cluster_a",limit="requests"\} 1/,
  );
  assert.match(text, /sdep_gateway_upstream_rq_timeout_total\{cluster="cluster_a"\} 1/);
  assert.match(text, /sdep_gateway_request_duration_seconds_count\{cluster="cluster_a",route="r1"\} 3/);
});
