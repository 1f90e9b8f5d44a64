import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tuneV8ForServing, unitNodeFlags } from './v8-tuning.js';

test("a unit's young generation is capped unless the user sized it", () => {
  assert.deepEqual(unitNodeFlags({}, []), ['--max-semi-space-size=4']);
  assert.deepEqual(unitNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=16' }, []), []);
  assert.deepEqual(unitNodeFlags({}, ['--semi-space-size=8']), []);
});

test('pretenuring is left alone when the user set it, else turned off', () => {
  assert.equal(tuneV8ForServing({ NODE_OPTIONS: '--allocation-site-pretenuring' }, []), false);
  assert.equal(tuneV8ForServing({}, ['--no-allocation-site-pretenuring']), false);
  assert.equal(tuneV8ForServing({}, []), true);
});
