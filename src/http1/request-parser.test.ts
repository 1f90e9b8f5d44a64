import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestHead as parseBytes, type RequestHead } from './request-parser.js';

/** A head as text, framed as the connection hands it over: the bytes, then the blank line. */
function parseRequestHead(text: string, keepFields = false): RequestHead | undefined {
  return parseBytes(Buffer.from(`${text}\r\n\r\n`, 'latin1'), text.length, keepFields);
}

const head = (lines: string[]) => lines.join('\r\n');

test('a plain request: method, target, lowercase header names, OWS trimmed, length', () => {
  const r = parseRequestHead(
    head([
      'POST /seldon/ns/m/api/v1.0/predictions?x=1 HTTP/1.1',
      'Host: h',
      'Content-Length:  46 ',
      'X-A:\tv\t',
    ]),
  );
  assert.ok(r);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/seldon/ns/m/api/v1.0/predictions?x=1');
  assert.deepEqual(r.headers, { host: 'h', 'content-length': '46', 'x-a': 'v' });
  assert.equal(r.contentLength, 46);
  assert.equal(r.close, false);
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'host: h', 'connection: close']))?.close, true);
  // obs-text (bytes 0x80-0xff read as latin1) is a valid field value
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'host: h', 'x: caf\u00e9']))?.headers.x, 'caf\u00e9');
});

test('anything unusual is declined (node then answers it): framing, versions, forms, duplicates, bad bytes', () => {
  const declined: [string, string[]][] = [
    ['transfer-encoding', ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: chunked']],
    ['both framings', ['POST / HTTP/1.1', 'host: h', 'content-length: 3', 'transfer-encoding: chunked']],
    ['expect', ['POST / HTTP/1.1', 'host: h', 'expect: 100-continue', 'content-length: 3']],
    ['upgrade', ['GET / HTTP/1.1', 'host: h', 'connection: upgrade', 'upgrade: websocket']],
    ['duplicate content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: 3', 'content-length: 3']],
    ['duplicate host', ['GET / HTTP/1.1', 'host: a', 'host: b']],
    ['signed length', ['POST / HTTP/1.1', 'host: h', 'content-length: +3']],
    ['empty length', ['POST / HTTP/1.1', 'host: h', 'content-length: ']],
    ['HTTP/1.0', ['GET / HTTP/1.0', 'host: h']],
    ['HTTP/2 line', ['GET / HTTP/2.0', 'host: h']],
    ['no host', ['GET / HTTP/1.1', 'x: y']],
    ['absolute form', ['GET http://h/ HTTP/1.1', 'host: h']],
    ['asterisk form', ['OPTIONS * HTTP/1.1', 'host: h']],
    ['obs-fold', ['GET / HTTP/1.1', 'host: h', 'x: a', ' folded']],
    ['space before colon', ['GET / HTTP/1.1', 'host : h']],
    ['bare CR in value', ['GET / HTTP/1.1', 'host: h', 'x: a\rb']],
    ['bare LF in value', ['GET / HTTP/1.1', 'host: h', 'x: a\nb']],
    ['NUL in value', ['GET / HTTP/1.1', 'host: h', 'x: a\u0000b']],
    ['bare CR ending the last value', ['GET / HTTP/1.1', 'host: h', 'x: a\r']],
    ['LF in name', ['GET / HTTP/1.1', 'host: h', 'x\ny: 1']],
    ['DEL in value', ['GET / HTTP/1.1', 'host: h', 'x: a\u007fb']],
    ['non-token name', ['GET / HTTP/1.1', 'host: h', 'x(y): 1']],
    ['empty name', ['GET / HTTP/1.1', 'host: h', ': 1']],
    ['no colon', ['GET / HTTP/1.1', 'host: h', 'junk']],
    ['control char in target', ['GET /a\u0001 HTTP/1.1', 'host: h']],
    ['non-ASCII target', ['GET /caf\u00e9 HTTP/1.1', 'host: h']],
    ['two spaces', ['GET  / HTTP/1.1', 'host: h']],
    ['no version', ['GET /', 'host: h']],
    ['bad method', ['GE(T / HTTP/1.1', 'host: h']],
    ['lowercase method', ['post / HTTP/1.1', 'host: h']],
    ['method node may not know', ['PRI / HTTP/1.1', 'host: h']],
    ['fragment in target', ['GET /a#f HTTP/1.1', 'host: h']],
    ['__proto__ header', ['GET / HTTP/1.1', 'host: h', '__proto__: x']],
  ];
  for (const [what, lines] of declined) assert.equal(parseRequestHead(head(lines)), undefined, what);
});

test('with keepFields: the lines to pass on, as written (lowercase, one space), the last one ended too', () => {
  const text = head([
    'GET / HTTP/1.1',
    'Host: h',
    'accept: */*',
    'User-Agent:  curl/8 ',
    'Connection: keep-alive',
    'Content-Length: 0',
    'X-Forwarded-For: 10.0.0.1',
    'te: trailers',
    'x-last: z',
  ]);
  const r = parseRequestHead(text, true);
  assert.equal(r?.fields, 'accept: */*\r\nuser-agent: curl/8\r\nte: trailers\r\nx-last: z\r\n');
  assert.equal(parseRequestHead(text)?.fields, undefined);
  // A Connection that names a field: only the headers object can drop it.
  const named = parseRequestHead(
    head(['GET / HTTP/1.1', 'host: h', 'connection: close, x-a', 'x-a: 1']),
    true,
  );
  assert.equal(named?.fields, undefined);
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'host: h', 'te: gzip']), true)?.fields, '');
});
