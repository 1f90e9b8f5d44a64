/**
 * TLS front end: a self-signed certificate generated at start; HTTP/1.1 and
 * HTTP/2 negotiated by ALPN on the same port.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { readUntil } from '../fixtures/read-until.js';
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

/** Writes `wire` over TLS (ALPN as given) and reads until `until` matches or the server closes. */
async function rawTls(
  wire: string,
  until: (text: string) => boolean,
  alpn: string[] | undefined,
): Promise<string> {
  const sock = tls.connect({
    port: gw.port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
    ...(alpn ? { ALPNProtocols: alpn } : {}),
  });
  sock.on('secureConnect', () => sock.write(wire));
  return (await readUntil(sock, until)).text;
}

const post = (path: string, body: string) =>
  `POST /seldon/ns/m${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

for (const alpn of [['http/1.1'], undefined]) {
  test(`HTTP/1.1 over TLS (ALPN ${alpn ? 'http/1.1' : 'none'}) runs on the fast path: pipelined requests answered in order`, async () => {
    const text = await rawTls(post('/one', 'a') + post('/two', 'bb'), (t) => t.includes('"/two"'), alpn);
    const one = text.indexOf('"/one"');
    assert.ok(one > 0 && one < text.indexOf('"/two"'), text);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\nserver: envoy\r\n/);
    // node's http server says Connection: keep-alive; sdep's codec leaves it implicit, as HTTP/1.1 allows.
    assert.doesNotMatch(text, /\r\nconnection: keep-alive/i);
  });
}

test('over TLS, a request the fast path declines (a chunked body) goes to node, and the connection serves on', async () => {
  const chunked =
    'POST /seldon/ns/m/te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const text = await rawTls(chunked + post('/after', 'zz'), (t) => t.includes('"/after"'), ['http/1.1']);
  assert.match(text, /"url":"\/te"/);
  assert.match(text, /"url":"\/after"/);
  assert.equal(up.seen.find((s) => s.url === '/te')?.body, 'abc');
});
