import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selfCommand, selfCommandFor } from './self-command.js';

test('compiled: node runs dist/cli/main.js directly', () => {
  const c = selfCommandFor('file:///opt/sdep/dist/cli/self-command.js', '/usr/bin/node', ['serve', 'x']);
  assert.deepEqual(c, { command: '/usr/bin/node', args: ['/opt/sdep/dist/cli/main.js', 'serve', 'x'] });
});

test('from source: node loads tsx (by absolute URL) and runs src/cli/main.ts', () => {
  const c = selfCommandFor('file:///w/src/cli/self-command.ts', '/usr/bin/node', ['unit']);
  assert.equal(c.args[0], '--import');
  assert.match(c.args[1] ?? '', /tsx/);
  assert.deepEqual(c.args.slice(2), ['/w/src/cli/main.ts', 'unit']);
  assert.equal(selfCommand([]).command, process.execPath);
});

test('node flags come before the entry point, so node (not sdep) reads them', () => {
  const c = selfCommandFor(
    'file:///opt/sdep/dist/cli/self-command.js',
    '/usr/bin/node',
    ['unit'],
    ['--max-semi-space-size=4'],
  );
  assert.deepEqual(c.args, ['--max-semi-space-size=4', '/opt/sdep/dist/cli/main.js', 'unit']);
});
