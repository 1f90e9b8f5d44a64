import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, isRetriableFailure, isRetriableStatus } from './retry.js';

test('retriable statuses per retry_on', () => {
  assert.equal(isRetriableStatus('5xx', 500, {}), true);
  assert.equal(isRetriableStatus('5xx', 404, {}), false);
  assert.equal(isRetriableStatus('gateway-error', 500, {}), false);
  for (const s of [502, 503, 504]) assert.equal(isRetriableStatus('gateway-error', s, {}), true);
  assert.equal(isRetriableStatus('retriable-4xx', 409, {}), true);
  assert.equal(isRetriableStatus('retriable-4xx', 429, {}), false);
  assert.equal(isRetriableStatus('connect-failure', 503, {}), false);
  const h = { 'x-envoy-retriable-status-codes': '418, 429' };
  assert.equal(isRetriableStatus('retriable-status-codes', 429, h), true);
  assert.equal(isRetriableStatus('retriable-status-codes', 500, h), false);
  assert.equal(isRetriableStatus('retriable-status-codes', 429, {}), false);
});

test('retriable failures per retry_on', () => {
  assert.equal(isRetriableFailure('connect-failure', 'connect'), true);
  assert.equal(isRetriableFailure('connect-failure', 'reset'), false);
  for (const k of ['connect', 'reset', 'timeout', 'refused-stream'] as const) {
    assert.equal(isRetriableFailure('5xx', k), true);
    assert.equal(isRetriableFailure('gateway-error', k), true);
  }
  assert.equal(isRetriableFailure('refused-stream', 'refused-stream'), true);
  assert.equal(isRetriableFailure('refused-stream', 'connect'), false);
  assert.equal(isRetriableFailure('retriable-4xx', 'connect'), false);
});

test('back-off is jittered from 25 ms and capped at 250 ms', () => {
  assert.equal(
    backoffMs(1, () => 0),
    0,
  );
  assert.equal(
    backoffMs(1, () => 0.999),
    24,
  );
  assert.equal(
    backoffMs(2, () => 0.999),
    74,
  );
  assert.equal(
    backoffMs(4, () => 0.999),
    249,
  );
  assert.equal(
    backoffMs(10, () => 0.999),
    249,
  );
  assert.equal(
    backoffMs(3, () => 0.5),
    87,
  );
});
