import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldName } from './field-text.js';

const name = (line: string): string => fieldName(line, 0, line.indexOf(':'));

test('fieldName lowercases any spelling of a field name, common or not', () => {
  assert.equal(name('Content-Length: 5'), 'content-length');
  assert.equal(name('CONTENT-TYPE: a'), 'content-type');
  assert.equal(name('host: a'), 'host');
  assert.equal(name('X-Custom-Thing: 1'), 'x-custom-thing');
  // Same length as a known name, one letter off: not taken for it.
  assert.equal(name('Content-Lengtx: 5'), 'content-lengtx');
  assert.equal(name('Hosu: a'), 'hosu');
  // Only letters fold: a CR (13 | 0x20 is '-') or '@' (64 | 0x20 is '`') is not a match.
  assert.equal(name('content\rlength: 5'), 'content\rlength');
  assert.equal(name('Content-Lengt@: 5'), 'content-lengt@');
  // Bounds are honoured: a name in the middle of a head.
  const head = 'GET / HTTP/1.1\r\nX-Request-ID: 7\r\n';
  assert.equal(fieldName(head, 16, 28), 'x-request-id');
});
