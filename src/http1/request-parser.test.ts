import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INCOMPLETE, parseRequestHead as parseBytes, type RequestHead } from './request-parser.js';

/** A head as text, with its blank line: whole, so never INCOMPLETE. */
function parseRequestHead(text: string, keepFields = false): RequestHead | undefined {
  const bytes = Buffer.from(`${text}\r\n\r\n`, 'latin1');
  const r = parseBytes(bytes, bytes.length, keepFields);
  assert.notEqual(r, INCOMPLETE, text);
  return r === INCOMPLETE ? undefined : r;
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

test('parsed where it lies: the body starts past the blank line, and a cut head is INCOMPLETE whatever follows the limit', () => {
  const heads = [
    'POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-A:  v \r\n\r\n',
    'GET / HTTP/1.1\r\nhost: h\r\n\r\n',
  ];
  for (const text of heads) {
    const whole = Buffer.from(`${text}abc`, 'latin1');
    const r = parseBytes(whole, whole.length, true);
    assert.ok(r !== undefined && r !== INCOMPLETE, text);
    assert.equal(r.bodyStart, text.length);
    // Stale bytes after the limit (as in a reused read buffer) could complete the head wrongly: never read.
    const stale = Buffer.from(`${text}`, 'latin1');
    for (let cut = 0; cut < text.length; cut++) {
      const bytes = Buffer.concat([stale.subarray(0, cut), Buffer.from('\r\n\r\nGET / HTTP/1.1\r\n\r\n')]);
      assert.equal(parseBytes(bytes, cut, true), INCOMPLETE, `${JSON.stringify(text)} cut at ${cut}`);
    }
  }
});

test('a cut head that is already wrong is declined at once, not waited on', () => {
  const bytes = Buffer.from('GET / HTTP/1.1\r\nho st: h\r\n', 'latin1');
  assert.equal(parseBytes(bytes, bytes.length), undefined);
  assert.equal(parseBytes(Buffer.from('GET / HTTP/1.0\r\n'), 16), undefined);
  assert.equal(parseBytes(Buffer.from('GET / HTTP/1.1\r\n\rX'), 18), undefined);
});
