import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseParameterValue } from './parameter-value.js';

test('INT: integers (trimmed, signed, safe) only', () => {
  assert.deepEqual(parseParameterValue('INT', ' +7 '), { ok: true, value: 7 });
  assert.deepEqual(parseParameterValue('INT', '-0'), { ok: true, value: -0 });
  for (const bad of ['1.0', '1e3', '', 'x', '9007199254740993', '0x10'])
    assert.equal(parseParameterValue('INT', bad).ok, false, bad);
});

test('FLOAT/DOUBLE: finite numbers; BOOL: true/false in any case; JSON: parses; STRING: as is', () => {
  assert.deepEqual(parseParameterValue('DOUBLE', '1e-3'), { ok: true, value: 0.001 });
  for (const bad of ['', ' ', 'NaN', 'Infinity', '1,5'])
    assert.equal(parseParameterValue('FLOAT', bad).ok, false, bad);
  assert.deepEqual(parseParameterValue('BOOL', 'TRUE'), { ok: true, value: true });
  assert.deepEqual(parseParameterValue('BOOL', ' false'), { ok: true, value: false });
  assert.equal(parseParameterValue('BOOL', '1').ok, false);
  assert.deepEqual(parseParameterValue('JSON', '[1,{"a":null}]'), { ok: true, value: [1, { a: null }] });
  const bad = parseParameterValue('JSON', '{a:1}');
  assert.equal(bad.ok, false);
  assert.match((bad as { reason: string }).reason, /not valid JSON/);
  assert.deepEqual(parseParameterValue('STRING', ''), { ok: true, value: '' });
});
