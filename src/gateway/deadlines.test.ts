import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Deadline, Deadlines } from './deadlines.js';

function entry(name: string, fired: string[]): Deadline {
  return { dueAt: 0, duePrev: null, dueNext: null, dueQueue: null, onDue: () => fired.push(name) };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('deadlines of one duration fall due in order; a removed one never does', async () => {
  const fired: string[] = [];
  const d = new Deadlines();
  const [a, b, c] = [entry('a', fired), entry('b', fired), entry('c', fired)];
  const t0 = performance.now();
  d.add(a, 20, t0);
  d.add(b, 20, t0 + 1);
  d.add(c, 20, t0 + 2);
  d.remove(b);
  d.remove(b); // twice is harmless
  await tick(60);
  assert.deepEqual(fired, ['a', 'c']);
  assert.equal(a.dueQueue, null);
});

test('removing the oldest leaves the timer armed; it re-arms for the next one instead of firing it early', async () => {
  let now = 0;
  const fired: string[] = [];
  const d = new Deadlines(() => now);
  const [a, b] = [entry('a', fired), entry('b', fired)];
  d.add(a, 10, 0);
  d.add(b, 10, 8); // due at 18
  d.remove(a);
  now = 12; // the timer (armed for 10) fires: b is not due yet
  await tick(30);
  assert.deepEqual(fired, []);
  now = 18;
  await tick(30);
  assert.deepEqual(fired, ['b']);
});

test('different durations keep separate queues; close() stops them all', async () => {
  const fired: string[] = [];
  const d = new Deadlines();
  const t0 = performance.now();
  d.add(entry('long', fired), 40, t0);
  d.add(entry('short', fired), 5, t0);
  await tick(25);
  assert.deepEqual(fired, ['short']);
  d.close();
  await tick(40);
  assert.deepEqual(fired, ['short']);
});

test('an entry re-added moves to its new deadline', async () => {
  const fired: string[] = [];
  const d = new Deadlines();
  const a = entry('a', fired);
  const t0 = performance.now();
  d.add(a, 5, t0);
  d.add(a, 40, t0);
  await tick(20);
  assert.deepEqual(fired, []);
  await tick(40);
  assert.deepEqual(fired, ['a']);
});
