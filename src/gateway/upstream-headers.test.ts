import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  downstreamLines,
  shadowHost,
  shadowLines,
  toDownstreamHeaders,
  toShadowHeaders,
  toUpstreamHeaders,
  upstreamLines,
} from './upstream-headers.js';

const info = {
  remoteAddress: '127.0.0.1',
  proto: 'http' as const,
  originalPath: undefined,
  hostRewrite: undefined,
};

test('hop-by-hop headers are dropped, including those named by Connection', () => {
  const h = toUpstreamHeaders(
    {
      host: 'gw',
      connection: 'keep-alive, x-hop',
      'x-hop': '1',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      te: 'gzip',
      'x-keep': 'yes',
    },
    info,
  );
  assert.equal(h.connection, undefined);
  assert.equal(h['x-hop'], undefined);
  assert.equal(h['keep-alive'], undefined);
  assert.equal(h['transfer-encoding'], undefined);
  assert.equal(h.te, undefined);
  assert.equal(h['x-keep'], 'yes');
});

test('HTTP/2 pseudo-headers become Host; te: trailers is kept for gRPC', () => {
  const h = toUpstreamHeaders(
    { ':method': 'POST', ':path': '/x', ':authority': 'gw:8003', ':scheme': 'http', te: 'trailers' },
    info,
  );
  assert.equal(h.host, 'gw:8003');
  assert.equal(h[':path'], undefined);
  assert.equal(h.te, 'trailers');
});

test('x-envoy-original-path and host_rewrite', () => {
  const h = toUpstreamHeaders(
    { host: 'gw' },
    { ...info, proto: 'https', originalPath: '/seldon/ns/m/x', hostRewrite: 'backend' },
  );
  assert.equal(h['x-envoy-original-path'], '/seldon/ns/m/x');
  assert.equal(h.host, 'backend');
  assert.equal(h['x-forwarded-proto'], 'https');
});

test('response headers lose hop-by-hop fields and gain the service time', () => {
  const h = toDownstreamHeaders(
    { connection: 'keep-alive', 'keep-alive': 'timeout=5', 'content-length': '2' },
    7,
  );
  assert.deepEqual(h, { 'content-length': '2', 'x-envoy-upstream-service-time': '7', server: 'envoy' });
});

test('as lines, the same additions; none when the upstream sent one of them (the object path replaces it)', () => {
  assert.equal(
    downstreamLines({ 'content-length': '2' }, 7),
    'x-envoy-upstream-service-time: 7\r\nserver: envoy\r\n',
  );
  assert.equal(downstreamLines({ server: 'gunicorn' }, 7), undefined);
  assert.equal(downstreamLines({ 'x-envoy-upstream-service-time': '99' }, 7), undefined);
});

test('shadow host: -shadow before any port', () => {
  assert.equal(shadowHost('model.ns'), 'model.ns-shadow');
  assert.equal(shadowHost('127.0.0.1:8003'), '127.0.0.1-shadow:8003');
  assert.equal(shadowHost('[::1]:80'), '[::1]-shadow:80');
  assert.equal(shadowHost('[::1]'), '[::1]-shadow');
  assert.equal(shadowHost('h:'), 'h:-shadow', 'no port digits: not a port');
  assert.equal(shadowHost('h:8a'), 'h:8a-shadow');
  const original = { host: 'gw:1', 'x-a': '1' };
  const copy = toShadowHeaders(original, '/p', false);
  assert.equal(copy.host, 'gw-shadow:1');
  assert.equal(original.host, 'gw:1', 'the original is untouched');
  assert.equal(copy['x-envoy-original-path'], undefined);
  assert.equal(toShadowHeaders(original, '/a/p', true)['x-envoy-original-path'], '/a/p');
});

test('upstreamLines: Host first, the passed-on lines, then the forwarding fields as toUpstreamHeaders set them', () => {
  const h = toUpstreamHeaders(
    { host: 'h', 'x-forwarded-for': '10.0.0.1', 'x-request-id': 'id' },
    {
      ...info,
      originalPath: '/old',
    },
  );
  assert.equal(
    upstreamLines(h, 'accept: */*\r\n'),
    'host: h\r\naccept: */*\r\nx-request-id: id\r\nx-forwarded-for: 10.0.0.1, 127.0.0.1\r\n' +
      'x-forwarded-proto: http\r\nx-envoy-original-path: /old\r\n',
  );
  // A rewritten Host that would split the head: the object path, which refuses it.
  const bad = toUpstreamHeaders({ host: 'h' }, { ...info, hostRewrite: 'a\r\nx: y' });
  assert.equal(upstreamLines(bad, ''), undefined);
});

test("shadowLines: the main lines with the -shadow Host and the mirror's original path, the shared headers untouched", () => {
  const h = toUpstreamHeaders({ host: 'gw:1', 'x-request-id': 'id' }, info);
  const before = { ...h };
  const main = upstreamLines(h, 'accept: */*\r\n') ?? '';
  assert.equal(
    shadowLines(h, main, '/seldon/ns/m/p', true),
    'host: gw-shadow:1\r\naccept: */*\r\nx-request-id: id\r\nx-forwarded-for: 127.0.0.1\r\n' +
      'x-forwarded-proto: http\r\nx-envoy-original-path: /seldon/ns/m/p\r\n',
  );
  assert.equal(
    shadowLines(h, upstreamLines(h, '') ?? '', '/p', false),
    'host: gw-shadow:1\r\nx-request-id: id\r\nx-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\n',
  );
  // The main request's rewrite already recorded the path: said once, as it was.
  const rewritten = toUpstreamHeaders({ host: 'gw' }, { ...info, originalPath: '/a/b' });
  const lines = shadowLines(rewritten, upstreamLines(rewritten, '') ?? '', '/a/b', true);
  assert.equal(lines.match(/x-envoy-original-path/g)?.length, 1);
  assert.match(lines, /^host: gw-shadow\r\n.*x-envoy-original-path: \/a\/b\r\n$/s);
  assert.deepEqual(h, before);
});
