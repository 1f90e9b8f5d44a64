import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  GRPC_OLD_GENERATION_FLAG,
  tuneV8ForGrpcServing,
  tuneV8ForServing,
  unitNodeFlags,
} from './v8-tuning.js';

test("a unit's young generation is capped unless the user sized it", () => {
  assert.deepEqual(unitNodeFlags({}, []), ['--max-semi-space-size=4', '--single-threaded-gc']);
  assert.deepEqual(unitNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=16' }, []), ['--single-threaded-gc']);
  assert.deepEqual(unitNodeFlags({}, ['--semi-space-size=8']), ['--single-threaded-gc']);
});

test("a unit's GC runs on its own thread unless the user chose GC threading", () => {
  assert.deepEqual(unitNodeFlags({}, ['--no-concurrent-marking']), ['--max-semi-space-size=4']);
  assert.deepEqual(unitNodeFlags({}, ['--single-threaded']), ['--max-semi-space-size=4']);
  assert.deepEqual(unitNodeFlags({}, ['--parallel-scavenge']), ['--max-semi-space-size=4']);
});

test('the unit flags are ones this node starts with', () => {
  // A flag node does not know would stop every unit at start.
  const r = spawnSync(process.execPath, [...unitNodeFlags({}, []), '-e', 'process.exit(7)']);
  assert.equal(r.status, 7, String(r.stderr));
});

test('pretenuring is left alone when the user set it, else turned off', () => {
  assert.equal(tuneV8ForServing({ NODE_OPTIONS: '--allocation-site-pretenuring' }, []), false);
  assert.equal(tuneV8ForServing({}, ['--no-allocation-site-pretenuring']), false);
  assert.equal(tuneV8ForServing({}, []), true);
});

test("a gRPC-serving process's old generation growth is capped unless the user set it", () => {
  assert.equal(tuneV8ForGrpcServing({ NODE_OPTIONS: '--heap-growing-percent=0' }, []), false);
  assert.equal(tuneV8ForGrpcServing({}, ['--heap-growing-percent=100']), false);
  assert.equal(tuneV8ForGrpcServing({}, []), true);
});

test('V8 knows the old-generation flag set at run time', () => {
  // setFlagsFromString does not throw on a flag V8 dropped: it only prints to stderr and goes on.
  const code = `require('node:v8').setFlagsFromString(${JSON.stringify(GRPC_OLD_GENERATION_FLAG)})`;
  const known = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(known.status, 0);
  assert.equal(known.stderr, '');
  const unknown = spawnSync(process.execPath, ['-e', code.replace('percent', 'percentage')], {
    encoding: 'utf8',
  });
  assert.match(unknown.stderr, /unrecognized flag/);
});
