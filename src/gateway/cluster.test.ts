import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterSpec } from '../routing/index.js';
import { Cluster, clusterSpecKey } from './cluster.js';
import type { Endpoint, ServiceResolver } from './service-resolver.js';

function spec(over: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name: 'c',
    service: 'svc',
    circuitBreaker: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
    loadBalancer: 'round_robin',
    connectTimeoutMs: 3000,
    http2: false,
    tls: false,
    ...over,
  };
}

function resolver(list: { eps: Endpoint[] }): ServiceResolver {
  return { resolve: () => list.eps, onChange: () => () => {} };
}

const e = (port: number): Endpoint => ({ host: '127.0.0.1', port });

test('round robin cycles over endpoints and a retry avoids the endpoint it comes from', () => {
  const c = new Cluster(spec(), resolver({ eps: [e(1), e(2), e(3)] }));
  const ports = [0, 1, 2, 3, 4, 5].map(() => c.pick(undefined)!.endpoint.port);
  assert.deepEqual(ports, [1, 2, 3, 1, 2, 3]);
  const first = c.pick(undefined)!;
  for (let i = 0; i < 5; i++) assert.notEqual(c.pick(first), first);
});

test('least_request picks the endpoint with the fewest requests in flight', () => {
  const c = new Cluster(spec({ loadBalancer: 'least_request' }), resolver({ eps: [e(1), e(2), e(3)] }));
  const [a, b, d] = c.endpoints as [
    (typeof c.endpoints)[0],
    (typeof c.endpoints)[0],
    (typeof c.endpoints)[0],
  ];
  a.active = 3;
  b.active = 1;
  d.active = 2;
  for (let i = 0; i < 4; i++) assert.equal(c.pick(undefined), b);
  assert.notEqual(c.pick(b), b);
});

test('no endpoints: pick gives none; refresh keeps the state of endpoints that stay', () => {
  const list = { eps: [] as Endpoint[] };
  const c = new Cluster(spec(), resolver(list));
  assert.equal(c.pick(undefined), undefined);
  list.eps = [e(1), e(2)];
  c.refresh();
  const kept = c.endpoints[1]!;
  list.eps = [e(2), e(3)];
  c.refresh();
  assert.equal(c.endpoints[0], kept);
  assert.deepEqual(
    c.endpoints.map((s) => s.endpoint.port),
    [2, 3],
  );
});

test('spec key changes with anything that needs new pools', () => {
  assert.equal(clusterSpecKey(spec()), clusterSpecKey(spec()));
  assert.notEqual(clusterSpecKey(spec()), clusterSpecKey(spec({ service: 'other' })));
  assert.notEqual(
    clusterSpecKey(spec()),
    clusterSpecKey(
      spec({
        circuitBreaker: { maxConnections: 1, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
      }),
    ),
  );
});
