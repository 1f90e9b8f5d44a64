import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LazyAbort } from './lazy-abort.js';

test('an abort before the signal is read is applied when it is made', () => {
  const c = new LazyAbort();
  const why = new Error('client went away');
  c.abort(why);
  c.abort(new Error('second')); // the first reason stays
  assert.equal(c.signal.aborted, true);
  assert.equal(c.signal.reason, why);
});

test('a signal that follows another aborts with it, and stops following once released', () => {
  const outer = new AbortController();
  const c = new LazyAbort(outer);
  assert.equal(c.signal.aborted, false);
  const why = new Error('gone');
  outer.abort(why);
  assert.equal(c.signal.reason, why);

  const outer2 = new AbortController();
  const released = new LazyAbort(outer2);
  void released.signal;
  released.release();
  outer2.abort(new Error('late'));
  assert.equal(released.signal.aborted, false);

  const already = new LazyAbort({ signal: AbortSignal.abort(why) });
  assert.equal(already.signal.reason, why);
});
