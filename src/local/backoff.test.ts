import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, nextAttempt } from './backoff.js';

test('back-off doubles from 1s and caps at 30s', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
});

test('a long enough run resets the attempt count', () => {
  assert.equal(nextAttempt(4, 1000), 5);
  assert.equal(nextAttempt(4, 60_000), 1);
});
