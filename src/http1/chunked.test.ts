import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedDecoder, FramingError } from './chunked.js';

function decodeAll(parts: Buffer[]): { body: string; used: number[]; done: boolean } {
  const d = new ChunkedDecoder();
  const out: Buffer[] = [];
  const used: number[] = [];
  for (const p of parts) used.push(d.feed(p, (c) => out.push(Buffer.from(c))));
  return { body: Buffer.concat(out).toString(), used, done: d.done };
}

const WIRE = '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nx-trailer: t\r\n\r\nNEXT';

test('decodes chunks with extensions and trailers, and stops at the message end', () => {
  const r = decodeAll([Buffer.from(WIRE)]);
  assert.equal(r.body, 'hello, world');
  assert.equal(r.done, true);
  assert.equal(r.used[0], WIRE.length - 'NEXT'.length);
});

test('the same bytes split at every boundary decode the same', () => {
  const bytes = Buffer.from(WIRE);
  for (let cut = 1; cut < bytes.length; cut++) {
    const r = decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.equal(r.body, 'hello, world', `cut at ${cut}`);
    assert.equal(r.done, true, `cut at ${cut}`);
    assert.equal(r.used[0]! + r.used[1]!, bytes.length - 4, `cut at ${cut}`);
  }
  const oneByOne = decodeAll([...bytes].map((b) => Buffer.from([b])));
  assert.equal(oneByOne.body, 'hello, world');
});

test('hex sizes in either case; uppercase A is ten bytes', () => {
  assert.equal(decodeAll([Buffer.from('A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n')]).body.length, 20);
});

test('malformed framing (bare LF included, as llhttp) throws FramingError', () => {
  const bareLf = ['5\nhello\r\n0\r\n\r\n', '5\r\nhello\n0\r\n\r\n', '0\r\nx: 1\n\r\n'];
  const badTrailers = ['0\r\n0\r\n\r\n', '0\r\nno colon\r\n\r\n', '0\r\n x: 1\r\n\r\n'];
  for (const bad of [
    'zz\r\n',
    '\r\n',
    '5\r\nhelloXX',
    `${'f'.repeat(13)}\r\n`,
    `1;${'x'.repeat(5000)}`,
    ...bareLf,
    ...badTrailers,
  ]) {
    assert.throws(() => decodeAll([Buffer.from(bad)]), FramingError, JSON.stringify(bad.slice(0, 20)));
  }
});
