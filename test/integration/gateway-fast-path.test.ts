/**
 * sdep's own HTTP/1.1 path (src/http1/) through a real gateway and real sockets:
 * pipelining, split heads, keep-alive and close, HEAD, re-framing of
 * chunked upstream answers, big bodies, and the requests it hands to node's
 * http server (chunked bodies, 100-continue, HTTP/1.0), which must still be
 * served on the same connection.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { type ReadResult, readUntil } from '../fixtures/read-until.js';
import {
  agent,
  mapping,
  onFastPath,
  request,
  startGateway,
  startUpstream,
  type Upstream,
} from './gateway-helpers.js';

let up: Upstream;
let chunky: Upstream;
/** Answers with RAW_ANSWERS[path] as it is: heads node's http server would not write. */
let rawUp: net.Server;
const RAW_ANSWERS: Record<string, string> = {
  '/server':
    'HTTP/1.1 200 OK\r\nServer: gunicorn\r\nX-Envoy-Upstream-Service-Time: 999\r\nSet-Cookie: a=1\r\n' +
    'Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok',
  '/plain':
    'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Type:text/plain  \r\n' +
    'Keep-Alive: timeout=5\r\nDate: D\r\nx-kept: as is\r\nContent-Length: 2\r\n\r\nok',
};
/** The request heads rawUp received, as they came. */
const rawHeads: string[] = [];
let gw: Awaited<ReturnType<typeof startGateway>>;

before(async () => {
  up = await startUpstream('plain', (seen, res) => {
    const body = JSON.stringify({
      url: seen.url,
      length: seen.body.length,
      te: seen.headers['transfer-encoding'] ?? null,
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'keep-alive',
      'x-hop': '1',
    });
    res.end(body);
  });
  chunky = await startUpstream('chunky', (_seen, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first,');
    setTimeout(() => res.end('second'), 5);
  });
  rawUp = net.createServer((sock) => {
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
      while (got.includes('\r\n\r\n')) {
        const path = got.slice(got.indexOf(' ') + 1, got.indexOf(' HTTP/'));
        rawHeads.push(got.slice(0, got.indexOf('\r\n\r\n')));
        got = got.slice(got.indexOf('\r\n\r\n') + 4);
        sock.write(RAW_ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => rawUp.listen(0, '127.0.0.1', resolve));
  const rawAddress = `127.0.0.1:${(rawUp.address() as net.AddressInfo).port}`;
  gw = await startGateway([
    mapping('plain', '/p/', up.address),
    mapping('chunky', '/c/', chunky.address),
    mapping('raw', '/r/', rawAddress),
    mapping('rehosted', '/hr/', rawAddress, { host_rewrite: 'backend.internal:8000' }),
  ]);
});

after(async () => {
  agent.destroy();
  await gw.close();
  await up.close();
  await chunky.close();
  await new Promise((resolve) => rawUp.close(resolve));
});

/** Writes `parts` (with a pause between them) and reads until the server closes or `until` matches. */
function raw(parts: (string | Buffer)[], until: (text: string) => boolean, gapMs = 0): Promise<ReadResult> {
  const sock = net.connect(gw.port, '127.0.0.1');
  const reading = readUntil(sock, until);
  void (async () => {
    for (const p of parts) {
      if (sock.destroyed) return;
      sock.write(p);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return reading;
}

const count = (text: string, s: string) => text.split(s).length - 1;
const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

test('three pipelined requests in one write: three answers, in order', async () => {
  const before = up.seen.length;
  const r = await raw(
    [post('/p/1', 'a') + post('/p/2', 'bb') + post('/p/3', 'ccc')],
    (t) => count(t, '"url"') === 3,
  );
  const urls = [...r.text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(urls, ['/1', '/2', '/3']);
  assert.deepEqual(
    up.seen.slice(before).map((s) => s.body),
    ['a', 'bb', 'ccc'],
  );
});

test('a head and body trickled one byte at a time are served', async () => {
  const bytes = Buffer.from(post('/p/slow', 'hello'));
  const r = await raw(
    [...bytes].map((b) => Buffer.from([b])),
    (t) => t.includes('"url"'),
    1,
  );
  assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(r.text, /"length":5/);
});

test('response head: server envoy, service time, a date; hop-by-hop headers dropped; keep-alive by default', async () => {
  const r = await request(gw.base, '/p/h');
  assert.equal(r.status, 200);
  assert.equal(r.headers.server, 'envoy');
  assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
  assert.ok(r.headers.date);
  assert.equal(r.headers['x-hop'], '1');
  const wire = await raw(['GET /p/k HTTP/1.1\r\nHost: x\r\n\r\n'], (t) => t.includes('"url"'));
  assert.equal(wire.closed, false);
});

async function rawHead(path: string): Promise<string[]> {
  const r = await raw([`GET /r${path} HTTP/1.1\r\nHost: x\r\n\r\n`], (t) => t.endsWith('\r\n\r\nok'));
  return r.text.slice(0, r.text.indexOf('\r\n\r\n')).split('\r\n');
}

// node's http server writes its own head (its Connection and Keep-Alive, undici's values untrimmed).
const ownWire = { skip: !onFastPath && "the wire format of sdep's own codec" };

test(
  "an upstream's fields go out in its order, written as Envoy writes them; cookies stay apart",
  ownWire,
  async () => {
    const lines = await rawHead('/plain');
    const service = lines.find((l) => l.startsWith('x-envoy-upstream-service-time: '));
    assert.match(String(service), /^x-envoy-upstream-service-time: \d{1,3}$/);
    assert.deepEqual(lines, [
      'HTTP/1.1 200 OK',
      'set-cookie: a=1',
      'set-cookie: b=2',
      'content-type: text/plain',
      'date: D',
      'x-kept: as is',
      'content-length: 2',
      service,
      'server: envoy',
    ]);
  },
);

test("an upstream's own Server and service time are replaced by ours", async () => {
  const lines = await rawHead('/server');
  assert.deepEqual(lines.filter((l) => /^(server|x-envoy-upstream-service-time):/i.test(l)).length, 2);
  assert.ok(lines.includes('server: envoy'));
  assert.ok(lines.includes('set-cookie: a=1'));
  assert.ok(lines.some((l) => /^x-envoy-upstream-service-time: \d{1,3}$/.test(l)));
  assert.ok(!lines.some((l) => /999|gunicorn|timeout=5/i.test(l)), lines.join('|'));
});

test('connection: close is honoured: the answer says so and the socket closes', async () => {
  const r = await raw(['GET /p/close HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], () => false);
  assert.match(r.text, /\r\nconnection: close\r\n/i);
  assert.equal(r.closed, true);
});

test('HEAD: the upstream length is kept and no body bytes follow', async () => {
  const r = await raw(
    ['HEAD /p/head HTTP/1.1\r\nHost: x\r\n\r\nGET /p/after HTTP/1.1\r\nHost: x\r\n\r\n'],
    (t) => t.includes('"url":"/after"'),
  );
  const [first, second] = r.text.split(/(?=HTTP\/1\.1 )/);
  assert.match(first!, /content-length: \d+\r\n/i);
  assert.ok(first!.endsWith('\r\n\r\n'), 'nothing after the HEAD head');
  assert.match(second!, /"url":"\/after"/);
});

test('a chunked upstream answer goes out chunked and decodes whole', async () => {
  const r = await request(gw.base, '/c/x');
  assert.equal(r.body, 'first,second');
  const wire = await raw(['GET /c/x HTTP/1.1\r\nHost: x\r\n\r\n'], (t) => t.endsWith('0\r\n\r\n'));
  assert.match(wire.text, /transfer-encoding: chunked\r\n/i);
});

test('a 1 MiB body streams through byte for byte', async () => {
  const body = 'z'.repeat(1024 * 1024);
  const r = await request(gw.base, '/p/big', { body });
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).length, body.length);
});

test('handed to node: a chunked body, then more requests on the same connection', async () => {
  const chunked = 'POST /p/te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const r = await raw([chunked + post('/p/next', 'zz')], (t) => t.includes('"url":"/next"'));
  assert.match(r.text, /"url":"\/te","length":3/);
  assert.match(r.text, /"url":"\/next","length":2/);
});

test('handed to node: Expect: 100-continue gets its 100, then the answer', async () => {
  const head = 'POST /p/expect HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n';
  const r = await raw([head, 'body'], (t) => t.includes('"url"'), 30);
  assert.match(r.text, /^HTTP\/1\.1 100 Continue\r\n/);
  assert.match(r.text, /"url":"\/expect","length":4/);
});

test('handed to node: an HTTP/1.0 request is answered and closed', async () => {
  const r = await raw(['GET /p/old HTTP/1.0\r\nHost: x\r\n\r\n'], () => false);
  assert.match(r.text, /^HTTP\/1\.1 200/);
  assert.match(r.text, /"url":"\/old"/);
  assert.equal(r.closed, true);
});

test('a client that leaves mid-body: nothing reaches the upstream and the gateway serves on', async () => {
  const before = up.seen.length;
  const sock = net.connect(gw.port, '127.0.0.1');
  sock.write('POST /p/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little');
  await new Promise((res) => setTimeout(res, 30));
  sock.destroy();
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(up.seen.slice(before).filter((s) => s.url === '/cut').length, 0);
  assert.equal((await request(gw.base, '/p/ok')).status, 200);
  // The abandoned request is over (not waiting for its route timeout): a fresh gateway closes at once.
  const g2 = await startGateway([mapping('plain', '/p/', up.address, { timeout_ms: 60_000 })]);
  const s2 = net.connect(g2.port, '127.0.0.1');
  s2.write('POST /p/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little');
  await new Promise((res) => setTimeout(res, 30));
  s2.end();
  await new Promise((res) => setTimeout(res, 30));
  const closing = Date.now();
  await g2.close();
  assert.ok(Date.now() - closing < 1000, `closed in ${Date.now() - closing} ms`);
});

/** The field lines of the head rawUp received for `request`, and their names (lowercase). */
async function upstreamFields(request: string): Promise<{ lines: string[]; names: string[] }> {
  rawHeads.length = 0;
  await raw([request], (t) => t.endsWith('ok'));
  const lines = rawHeads[0]!.split('\r\n').slice(1);
  return { lines, names: lines.map((l) => l.slice(0, l.indexOf(':')).toLowerCase()) };
}

test('request head: fields pass on lowercase, hop-by-hop ones dropped, forwarding ones set once', async () => {
  const { lines, names } = await upstreamFields(
    'GET /r/plain HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8\r\nConnection: keep-alive\r\n' +
      'Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nX-Spaced:   v  \r\n' +
      'x-plain: as is\r\nX-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\nX-Request-Id: given\r\n\r\n',
  );
  const all = lines.join('|');
  for (const line of [
    'host: x',
    'user-agent: curl/8',
    'te: trailers',
    'x-spaced: v',
    'x-plain: as is',
    'x-forwarded-for: 10.0.0.9, 127.0.0.1',
    'x-forwarded-proto: http',
    'x-request-id: given',
  ]) {
    assert.ok(lines.includes(line), `${line} not in ${all}`);
  }
  for (const dropped of ['keep-alive', 'proxy-connection']) assert.ok(!names.includes(dropped), all);
  // Each field once: none written both as passed on and as set.
  assert.equal(new Set(names).size, names.length, all);
});

test('request head: a field Connection names is dropped, a te other than trailers too; an id is made', async () => {
  const named = await upstreamFields(
    'GET /r/plain HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\nx-kept: k\r\n\r\n',
  );
  assert.ok(!named.names.includes('x-secret'), named.lines.join('|'));
  assert.ok(named.lines.includes('x-kept: k'), named.lines.join('|'));
  const te = await upstreamFields('GET /r/plain HTTP/1.1\r\nHost: x\r\nTE: gzip\r\n\r\n');
  assert.ok(!te.names.includes('te'), te.lines.join('|'));
  assert.ok(
    te.lines.some((l) => /^x-request-id: [0-9a-f-]{36}$/.test(l)),
    te.lines.join('|'),
  );
  assert.equal(te.names.filter((n) => n === 'host').length, 1, te.lines.join('|'));
});

test("host_rewrite: the upstream gets the Mapping's Host, once, in place of the client's", async () => {
  const { lines, names } = await upstreamFields('GET /hr/plain HTTP/1.1\r\nHost: x\r\nx-kept: k\r\n\r\n');
  assert.ok(lines.includes('host: backend.internal:8000'), lines.join('|'));
  assert.equal(names.filter((n) => n === 'host').length, 1, lines.join('|'));
  assert.ok(lines.includes('x-kept: k'), lines.join('|'));
  // The client's Host still reaches a route without host_rewrite as it came.
  const plain = await upstreamFields('GET /r/plain HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(plain.lines.includes('host: x'), plain.lines.join('|'));
});
