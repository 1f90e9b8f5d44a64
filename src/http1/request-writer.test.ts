import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidHeaderError } from './header-lines.js';
import { requestHead, requestHeadFromLines } from './request-writer.js';

test('request line: any token method; a target that would split the line is refused', () => {
  assert.equal(
    requestHead('PROPFIND', '/dav', { host: 'h' }, null),
    'PROPFIND /dav HTTP/1.1\r\nhost: h\r\n\r\n',
  );
  for (const [method, path] of [
    ['GE T', '/'],
    ['', '/'],
    ['GET\r\n', '/'],
    ['GET', '/a b'],
    ['GET', '/a\r\nx: y'],
    ['GET', '/a\nb'],
    ['GET', '/a\0'],
  ] as const) {
    assert.throws(
      () => requestHead(method, path, { host: 'h' }, null),
      InvalidHeaderError,
      JSON.stringify([method, path]),
    );
    assert.throws(() => requestHeadFromLines(method, path, 'host: h\r\n', {}, null), InvalidHeaderError);
  }
});

test('framing: set from the body, never passed on from the headers', () => {
  const h = {
    host: 'h',
    'content-length': '99',
    'transfer-encoding': 'chunked',
    connection: 'close',
    a: '1',
  };
  assert.equal(
    requestHead('POST', '/p', h, 2),
    'POST /p HTTP/1.1\r\nhost: h\r\na: 1\r\ncontent-length: 2\r\n\r\n',
  );
  assert.equal(
    requestHead('POST', '/p', h, -1),
    'POST /p HTTP/1.1\r\nhost: h\r\na: 1\r\ntransfer-encoding: chunked\r\n\r\n',
  );
  assert.equal(
    requestHead('POST', '/p', h, -2),
    'POST /p HTTP/1.1\r\nhost: h\r\na: 1\r\ncontent-length: 99\r\n\r\n',
  );
  assert.equal(
    requestHead('POST', '/p', { host: 'h' }, null),
    'POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n',
  );
  assert.equal(requestHead('GET', '/p', { host: 'h' }, null), 'GET /p HTTP/1.1\r\nhost: h\r\n\r\n');
  assert.equal(
    requestHeadFromLines('PUT', '/p', 'host: h\r\nx: 1\r\n', { 'content-length': '5' }, -2),
    'PUT /p HTTP/1.1\r\nhost: h\r\nx: 1\r\ncontent-length: 5\r\n\r\n',
  );
  assert.throws(() => requestHead('GET', '/', { host: 'h', x: 'a\r\nb: 1' }, null), InvalidHeaderError);
});
