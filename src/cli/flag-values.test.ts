import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { integerFlag, integerValue, portValue } from './flag-values.js';

test('integerFlag accepts its bounds and the integers between them', () => {
  const p = integerFlag(1, 256, 'copies');
  assert.equal(p('1'), 1);
  assert.equal(p('256'), 256);
  assert.equal(p(' 16 '), 16);
  assert.equal(portValue('0'), 0);
  assert.equal(portValue('65535'), 65535);
});

test('integerFlag refuses values outside, fractions, words and empty, saying the range', () => {
  const p = integerFlag(1, 256, 'copies a connection');
  for (const bad of ['0', '257', '1.5', 'two', '', '  ', 'NaN', 'Infinity', '0x']) {
    assert.throws(
      () => p(bad),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === 'takes 1 to 256 copies a connection',
      JSON.stringify(bad),
    );
  }
});

test('integerValue names the flag, the range and the value; a blank value is not 0', () => {
  assert.equal(integerValue('8003', '--port', 0, 65535), 8003);
  assert.equal(integerValue('0', '--port', 0, 65535), 0);
  for (const bad of ['', ' ', '-1', '65536', '80.5', 'http']) {
    assert.throws(
      () => integerValue(bad, '--port', 0, 65535),
      new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(bad)}`),
    );
  }
});
