/**
 * Gateway data plane, routing side: weighted split, header routes, no route,
 * rewrite and Envoy's request/response headers, h2c prior knowledge.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import {
  agent,
  mapping,
  type RunningGateway,
  request,
  runConcurrent,
  seeded,
  startGateway,
  startUpstream,
  type Upstream,
} from './gateway-helpers.js';

let a: Upstream;
let b: Upstream;
let gw: RunningGateway;

before(async () => {
  a = await startUpstream('a');
  b = await startUpstream('b');
  gw = await startGateway(
    [
      mapping('canary-main', '/seldon/ns/model/', a.address, { weight: 75 }),
      mapping('canary-new', '/seldon/ns/model/', b.address, { weight: 25 }),
      mapping('plain', '/hdr/', a.address),
      mapping('by-header', '/hdr/', b.address, { headers: { 'x-variant': 'b' } }),
      mapping('keep', '/keep/', a.address, { rewrite: '' }),
    ],
    { random: seeded(42) },
  );
});

after(async () => {
  agent.destroy();
  await gw.close();
  await a.close();
  await b.close();
});

test('75/25 weighted Mappings split ~2000 requests within a few percent', async () => {
  a.seen.length = 0;
  b.seen.length = 0;
  const n = 2000;
  const replies = await runConcurrent(n, 16, () => request(gw.base, '/seldon/ns/model/api/v1.0/predictions'));
  assert.ok(replies.every((r) => r.status === 200));
  const toA = replies.filter((r) => JSON.parse(r.body).upstream === 'a').length;
  assert.equal(a.seen.length + b.seen.length, n);
  const share = toA / n;
  assert.ok(Math.abs(share - 0.75) < 0.03, `share to the 75% Mapping was ${share}`);
});

test('a header route beats the plain route with the same prefix', async () => {
  const withHeader = await request(gw.base, '/hdr/x', { headers: { 'x-variant': 'b' } });
  assert.equal(JSON.parse(withHeader.body).upstream, 'b');
  const without = await request(gw.base, '/hdr/x');
  assert.equal(JSON.parse(without.body).upstream, 'a');
  const otherValue = await request(gw.base, '/hdr/x', { headers: { 'x-variant': 'c' } });
  assert.equal(JSON.parse(otherValue.body).upstream, 'a');
});

test('no route: 404 with an empty body', async () => {
  const r = await request(gw.base, '/nowhere');
  assert.equal(r.status, 404);
  assert.equal(r.body, '');
});

test('rewrite replaces the prefix, keeps the query, sets x-envoy-original-path', async () => {
  a.seen.length = 0;
  b.seen.length = 0;
  const r = await request(gw.base, '/hdr/api/v1.0/predictions?x=1');
  assert.equal(r.status, 200);
  const seen = a.seen.at(-1)!;
  assert.equal(seen.url, '/api/v1.0/predictions?x=1');
  assert.equal(seen.headers['x-envoy-original-path'], '/hdr/api/v1.0/predictions?x=1');
});

test('rewrite "" leaves the path alone and adds no x-envoy-original-path', async () => {
  a.seen.length = 0;
  await request(gw.base, '/keep/this');
  const seen = a.seen.at(-1)!;
  assert.equal(seen.url, '/keep/this');
  assert.equal(seen.headers['x-envoy-original-path'], undefined);
});

test('x-request-id is kept when given and generated when not; forwarding headers are set', async () => {
  a.seen.length = 0;
  await request(gw.base, '/keep/1', {
    headers: { 'x-request-id': 'given-id-123', 'x-forwarded-for': '10.0.0.9' },
  });
  await request(gw.base, '/keep/2');
  const [given, generated] = a.seen;
  assert.equal(given!.headers['x-request-id'], 'given-id-123');
  assert.equal(given!.headers['x-forwarded-for'], '10.0.0.9, 127.0.0.1');
  assert.equal(given!.headers['x-forwarded-proto'], 'http');
  assert.match(String(generated!.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  assert.equal(generated!.headers['x-forwarded-for'], '127.0.0.1');
});

test('responses carry x-envoy-upstream-service-time and the upstream body; POST bodies reach the upstream', async () => {
  a.seen.length = 0;
  const r = await request(gw.base, '/keep/post', {
    body: '{"data":{"ndarray":[[1,2]]}}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(r.status, 200);
  assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
  assert.equal(a.seen.at(-1)!.body, '{"data":{"ndarray":[[1,2]]}}');
  assert.equal(a.seen.at(-1)!.method, 'POST');
});

test('h2c with prior knowledge on the same port routes plain HTTP routes too', async () => {
  const session = http2.connect(gw.base);
  try {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const s = session.request({
        ':method': 'POST',
        ':path': '/hdr/h2',
        'content-type': 'application/json',
      });
      let status = 0;
      const chunks: Buffer[] = [];
      s.on('response', (h) => {
        status = Number(h[':status']);
      });
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
      s.on('error', reject);
      s.end('{"h2":true}');
    });
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).upstream, 'a');
    const seen = a.seen.at(-1)!;
    assert.equal(seen.body, '{"h2":true}');
    assert.equal(seen.url, '/h2');
  } finally {
    session.close();
  }
});
