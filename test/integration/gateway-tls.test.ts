/**
 * TLS front end: a self-signed certificate generated at start; HTTP/1.1 and
 * HTTP/2 negotiated by ALPN on the same port.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, test } from 'node:test';
import {
  mapping,
  type RunningGateway,
  startGateway,
  startUpstream,
  type Upstream,
} from './gateway-helpers.js';

let up: Upstream;
let gw: RunningGateway;

before(async () => {
  up = await startUpstream('tls-up');
  gw = await startGateway([mapping('m', '/seldon/ns/m/', up.address)], { tls: 'self-signed' });
});

after(async () => {
  await gw.close();
  await up.close();
});

test('https with a self-signed certificate (HTTP/1.1, rejectUnauthorized false)', async () => {
  const reply = await new Promise<{ status: number; body: string; alpn: string | false | null }>(
    (resolve, reject) => {
      const req = https.request(
        `https://127.0.0.1:${gw.port}/seldon/ns/m/api/v1.0/predictions`,
        {
          method: 'POST',
          rejectUnauthorized: false,
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              alpn: (res.socket as import('node:tls').TLSSocket).alpnProtocol,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end('{"data":{"ndarray":[[1]]}}');
    },
  );
  assert.equal(reply.status, 200);
  assert.equal(JSON.parse(reply.body).url, '/api/v1.0/predictions');
  const seen = up.seen.at(-1)!;
  assert.equal(seen.headers['x-forwarded-proto'], 'https');
  assert.equal(seen.body, '{"data":{"ndarray":[[1]]}}');
});

test('the certificate is refused when verification is on (it is self-signed)', async () => {
  await assert.rejects(
    new Promise((resolve, reject) => {
      const req = https.get(`https://127.0.0.1:${gw.port}/seldon/ns/m/x`, { agent: false }, resolve);
      req.on('error', reject);
    }),
    /self[- ]signed/i,
  );
});

test('HTTP/2 over TLS (ALPN h2) is proxied too', async () => {
  const session = http2.connect(`https://127.0.0.1:${gw.port}`, { rejectUnauthorized: false });
  try {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const s = session.request({ ':path': '/seldon/ns/m/h2' });
      let status = 0;
      const chunks: Buffer[] = [];
      s.on('response', (h) => {
        status = Number(h[':status']);
      });
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
      s.on('error', reject);
    });
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).url, '/h2');
  } finally {
    session.close();
  }
});
