import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';

test('max_requests caps requests in flight', () => {
  const cb = new CircuitBreaker({
    maxConnections: 1024,
    maxPendingRequests: 1024,
    maxRequests: 2,
    maxRetries: 3,
  });
  assert.equal(cb.tryStartRequest(), true);
  assert.equal(cb.tryStartRequest(), true);
  assert.equal(cb.tryStartRequest(), false);
  cb.endRequest();
  assert.equal(cb.tryStartRequest(), true);
});

test('max_connections + max_pending_requests cap what may wait for a connection', () => {
  const cb = new CircuitBreaker({
    maxConnections: 2,
    maxPendingRequests: 1,
    maxRequests: 1024,
    maxRetries: 3,
  });
  for (let i = 0; i < 3; i++) assert.equal(cb.tryStartRequest(), true);
  assert.equal(cb.pending, 1);
  assert.equal(cb.tryStartRequest(), false);
});

test('max_retries caps retries in flight', () => {
  const cb = new CircuitBreaker({ maxConnections: 1, maxPendingRequests: 1, maxRequests: 1, maxRetries: 1 });
  assert.equal(cb.tryStartRetry(), true);
  assert.equal(cb.tryStartRetry(), false);
  cb.endRetry();
  assert.equal(cb.tryStartRetry(), true);
});
