import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prettyUnitLine } from './unit-log-line.js';

test('info-level pino lines are left out of pretty output; warnings and errors are kept short', () => {
  assert.equal(prettyUnitLine('{"level":30,"time":1,"msg":"unit listening","http":1234}'), undefined);
  assert.equal(prettyUnitLine('{"level":40,"time":1,"msg":"slow load"}'), 'WARN slow load');
  assert.equal(
    prettyUnitLine('{"level":50,"time":1,"msg":"component failed","err":{"message":"boom"}}'),
    'ERROR component failed: boom',
  );
});

test('plain text and broken JSON pass through unchanged', () => {
  assert.equal(prettyUnitLine('Traceback (most recent call last):'), 'Traceback (most recent call last):');
  assert.equal(prettyUnitLine('{"level":30, broken'), '{"level":30, broken');
});
