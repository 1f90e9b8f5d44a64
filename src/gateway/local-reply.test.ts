import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grpcStatusFor, noRouteError, overflowError, resetError, timeoutError } from './local-reply.js';

test('Envoy local reply bodies, statuses and flags', () => {
  assert.deepEqual([noRouteError().status, noRouteError().message, noRouteError().flag], [404, '', 'NR']);
  const o = overflowError();
  assert.equal(o.status, 503);
  assert.ok(o.message.endsWith('reset reason: overflow'));
  assert.equal(o.flag, 'UO');
  assert.deepEqual(
    [timeoutError().status, timeoutError().message, timeoutError().flag],
    [504, 'upstream request timeout', 'UT'],
  );
  const uf = resetError('connection failure', false);
  assert.equal(
    uf.message,
    'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  );
  assert.equal(uf.flag, 'UF');
  assert.equal(resetError('connection failure', true).flag, 'URX');
  assert.equal(resetError('protocol error', false).status, 502);
});

test('gRPC status for local replies', () => {
  assert.equal(grpcStatusFor(404), 12);
  for (const s of [429, 502, 503, 504]) assert.equal(grpcStatusFor(s), 14);
  assert.equal(grpcStatusFor(400), 13);
  assert.equal(grpcStatusFor(401), 16);
  assert.equal(grpcStatusFor(403), 7);
  assert.equal(grpcStatusFor(500), 2);
});
