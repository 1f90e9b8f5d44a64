import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BAD_NAME,
  BAD_VALUE,
  fieldNameAt,
  isWrittenForm,
  NEED_MORE,
  type ScannedField,
  scanField,
} from './field-text.js';

const field = (): ScannedField => ({ colon: 0, upper: false, valueStart: 0, valueEnd: 0 });

/** Scans `line` as the only line of a head (CRLF CRLF after it). */
function scan(line: string, strict = true): { end: number; f: ScannedField; bytes: Buffer } {
  const bytes = Buffer.from(`${line}\r\n\r\n`, 'latin1');
  const f = field();
  return { end: scanField(bytes, 0, bytes.length, strict, f), f, bytes };
}

const name = (line: string): string => {
  const { f, bytes } = scan(line);
  return fieldNameAt(bytes, line, 0, f.colon);
};

test('fieldNameAt lowercases any spelling of a field name, common or not', () => {
  assert.equal(name('Content-Length: 5'), 'content-length');
  assert.equal(name('CONTENT-TYPE: a'), 'content-type');
  assert.equal(name('host: a'), 'host');
  assert.equal(name('X-Custom-Thing: 1'), 'x-custom-thing');
  // Same length as a known name, one letter off: not taken for it.
  assert.equal(name('Content-Lengtx: 5'), 'content-lengtx');
  assert.equal(name('Hosu: a'), 'hosu');
  // Only letters fold: '@' (64 | 0x20 is '`') is not a match for a letter.
  const odd = Buffer.from('Content-Lengt@', 'latin1');
  assert.equal(fieldNameAt(odd, 'Content-Lengt@', 0, 14), 'content-lengt@');
  // Bounds are honoured: a name in the middle of a head.
  const head = 'GET / HTTP/1.1\r\nX-Request-ID: 7\r\n';
  assert.equal(fieldNameAt(Buffer.from(head, 'latin1'), head, 16, 28), 'x-request-id');
});

test('scanField: the colon, the value without OWS, and the line end', () => {
  const { end, f } = scan('X-A: \t v 1 \t');
  assert.equal(end, 12);
  assert.equal(f.colon, 3);
  assert.equal(f.upper, true);
  assert.equal('X-A: \t v 1 \t'.slice(f.valueStart, f.valueEnd), 'v 1');
  // An empty value, with or without the space.
  const empty = scan('x:');
  assert.equal(empty.end, 2);
  assert.equal(empty.f.valueStart, empty.f.valueEnd);
  // A line in the middle of a head ends at its own CR.
  const bytes = Buffer.from('a: 1\r\nb: 2\r\n\r\n', 'latin1');
  assert.equal(scanField(bytes, 0, bytes.length, true, field()), 4);
  assert.equal(scanField(bytes, 6, bytes.length, true, field()), 10);
});

test('scanField: a line whose CRLF is not before the limit needs more bytes, whatever lies past it', () => {
  const bytes = Buffer.from('x-a: 1\r\n', 'latin1');
  for (let limit = 0; limit < bytes.length; limit++) {
    assert.equal(scanField(bytes, 0, limit, true, field()), NEED_MORE, `limit ${limit}`);
  }
  assert.equal(scanField(bytes, 0, bytes.length, true, field()), 6);
  // A bad byte before the limit is refused at once.
  assert.equal(scanField(Buffer.from('x a: 1', 'latin1'), 0, 3, true, field()), BAD_NAME);
});

test('scanField refuses what would split a head or is not a field line', () => {
  for (const line of [
    'no colon',
    ': empty',
    'sp : x',
    ' folded: x',
    'x\ny: 1',
    'x\ry: 1',
    'caf\u00e9: 1',
    'a(b): 1',
  ]) {
    assert.equal(scan(line).end, BAD_NAME, JSON.stringify(line));
  }
  // CR, LF and NUL are refused even when not strict; other controls and DEL only when strict.
  for (const line of ['x: a\rb', 'x: a\nb', 'x: a\u0000b', 'x: a\r']) {
    assert.equal(scan(line, false).end, BAD_VALUE, JSON.stringify(line));
  }
  for (const line of ['x: a\u0001b', 'x: a\u007fb']) {
    assert.equal(scan(line, true).end, BAD_VALUE, JSON.stringify(line));
    assert.equal(scan(line, false).end, line.length, JSON.stringify(line));
  }
  // obs-text and HTAB are field content.
  assert.equal(scan('x: caf\u00e9\tz').end, 9);
});

test('isWrittenForm: a lowercase name, one space, the value to the end', () => {
  const written = (line: string): boolean => {
    const { end, f, bytes } = scan(line);
    return isWrittenForm(bytes, f, end);
  };
  assert.equal(written('content-type: a/b'), true);
  assert.equal(written('x: '), true);
  assert.equal(written('Content-Type: a/b'), false);
  assert.equal(written('x:a'), false);
  assert.equal(written('x:  a'), false);
  assert.equal(written('x: a '), false);
});
