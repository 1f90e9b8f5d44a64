import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { DownstreamResponse } from './downstream.js';
import { ShadowComparer, type ShadowComparison } from './shadow-compare.js';

/** Enough of a downstream response for the tap: records what was written, emits close on end. */
function fakeResponse(): DownstreamResponse & { body: string; status: number } {
  const ee = new EventEmitter();
  const res = {
    headersSent: false,
    writableEnded: false,
    body: '',
    status: 0,
    writeHead(status: number) {
      res.status = status;
      res.headersSent = true;
      return res;
    },
    write(chunk: Buffer) {
      res.body += chunk.toString();
      return true;
    },
    end(chunk?: string | Buffer) {
      if (chunk !== undefined) res.body += chunk.toString();
      res.writableEnded = true;
      ee.emit('close');
      return res;
    },
    addTrailers() {},
    destroy() {
      ee.emit('close');
    },
    once: (e: string, f: () => void) => ee.once(e, f),
    on: (e: string, f: () => void) => ee.on(e, f),
    removeListener: (e: string, f: () => void) => ee.removeListener(e, f),
  };
  return res as unknown as DownstreamResponse & { body: string; status: number };
}

const json = { 'content-type': 'application/json' };
const answer = (v: number) => JSON.stringify({ data: { tensor: { shape: [1, 1], values: [v] } } });

test('the tap passes everything through and pairs main with the shadow fed to its pair', () => {
  let t = 0;
  const seen: ShadowComparison[] = [];
  const c = new ShadowComparer({ sink: { recordShadowComparison: (x) => seen.push(x) }, now: () => t });
  const res = fakeResponse();
  const pair = c.tap(res, 'route', 'c_main', 'c_shadow')!;
  assert.ok(pair);
  // Another request at the same time (even one with the same x-request-id) has its own pair.
  const other = c.tap(fakeResponse(), 'route', 'c_main', 'c_shadow');
  assert.ok(other !== undefined && other !== pair);
  other.drop();
  assert.equal(c.open.size, 1);
  pair.mirrorSent();
  t = 2;
  res.writeHead(200, json);
  res.write(Buffer.from(answer(0.7).slice(0, 10)));
  res.end(answer(0.7).slice(10));
  assert.equal(res.body, answer(0.7), 'the client gets the body unchanged');
  assert.equal(seen.length, 0, 'waits for the shadow');
  t = 5;
  pair.shadowHead(200, json);
  pair.shadowData(Buffer.from(answer(0.7)));
  pair.shadowEnd(true);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], {
    route: 'route',
    mainCluster: 'c_main',
    shadowCluster: 'c_shadow',
    result: 'agree',
    mainSeconds: 0.002,
    shadowSeconds: 0.005,
  });
  assert.equal(c.open.size, 0);
});

test('no copy sent (not sampled, breaker full): the pair is dropped when main ends', () => {
  const seen: ShadowComparison[] = [];
  const c = new ShadowComparer({ sink: { recordShadowComparison: (x) => seen.push(x) } });
  const res = fakeResponse();
  c.tap(res, 'r', 'a', 'b');
  assert.equal(c.open.size, 1);
  res.writeHead(200, json);
  res.end(answer(1));
  assert.equal(c.open.size, 0);
  assert.equal(seen.length, 0);
});

test('at most maxPerSecond requests are sampled a second; stale pairs make room when full', () => {
  let t = 0;
  const c = new ShadowComparer({ sink: { recordShadowComparison() {} }, maxPerSecond: 3, now: () => t });
  const taps = Array.from({ length: 5 }, () => c.tap(fakeResponse(), 'r', 'a', 'b'));
  assert.deepEqual(
    taps.map((p) => p !== undefined),
    [true, true, true, false, false],
  );
  t = 1000;
  const refilled = c.tap(fakeResponse(), 'r', 'a', 'b');
  assert.ok(refilled, 'refilled after a second');
  const rest = [c.tap(fakeResponse(), 'r', 'a', 'b'), c.tap(fakeResponse(), 'r', 'a', 'b')];
  assert.equal(c.tap(fakeResponse(), 'r', 'a', 'b'), undefined, 'the refill is spent');
  // A clock reading the caller passes counts instead of the comparer's own clock (still at 1000).
  const later = c.tap(fakeResponse(), 'r', 'a', 'b', 2000);
  assert.ok(later, 'refilled by the reading given');
  for (const p of [...taps, refilled, ...rest, later]) p?.drop();
  assert.equal(c.open.size, 0);

  const small = new ShadowComparer({
    sink: { recordShadowComparison() {} },
    maxOpen: 1,
    staleMs: 50,
    now: () => t,
  });
  const first = small.tap(fakeResponse(), 'r', 'a', 'b');
  assert.ok(first);
  assert.equal(small.tap(fakeResponse(), 'r', 'a', 'b'), undefined, 'full');
  t += 100;
  const second = small.tap(fakeResponse(), 'r', 'a', 'b');
  assert.ok(second, 'the stale pair was evicted');
  assert.deepEqual([...small.open], [second]);
  second.drop();
  assert.equal(small.open.size, 0);
});
