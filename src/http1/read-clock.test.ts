import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { inReadCallback, readClock as now } from './read-clock.js';

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the clock must move
  }
}

test('inside a read callback the clock is read once; outside, every call reads it', () => {
  const seen: number[] = [];
  inReadCallback(
    (a: number, b: number) => {
      seen.push(now());
      spin(a + b);
      seen.push(now());
    },
    2,
    1,
  );
  assert.equal(seen[0], seen[1], 'one reading for the whole callback');
  const before = now();
  spin(3);
  assert.ok(now() - before >= 3, 'outside a callback the clock moves');
  assert.ok(now() - seen[0]! >= 3, 'the cached reading does not outlive its callback');
});

test('a callback that throws does not leave the clock cached', () => {
  assert.throws(() =>
    inReadCallback(
      () => {
        now();
        throw new Error('boom');
      },
      0,
      0,
    ),
  );
  const a = now();
  spin(3);
  assert.ok(now() - a >= 3);
});

test('a nested callback reads afresh; after it the outer one reads the clock each time', () => {
  let outer = 0;
  let inner = 0;
  let after = 0;
  inReadCallback(
    () => {
      outer = now();
      spin(3);
      inReadCallback(
        () => {
          inner = now();
        },
        0,
        0,
      );
      spin(3);
      after = now();
    },
    0,
    0,
  );
  assert.ok(inner - outer >= 3);
  assert.ok(after - inner >= 3);
});
