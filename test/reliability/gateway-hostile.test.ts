/**
 * Hostile clients and hung upstreams against the embedded gateway (in
 * process, real sockets on 127.0.0.1): slow-loris connections are cut by the
 * header and request timeouts, malformed and smuggling-shaped requests get a
 * 4xx without reaching an upstream, traversal paths never change which
 * upstream is chosen, a hung upstream costs a 504 and no leaked socket, and a
 * hung shadow never holds the client. After each, a normal client is served.
 * Bounded: every socket and request has a deadline; counts, not timings, are asserted.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import {
  mapping,
  type RunningGateway,
  request,
  runConcurrent,
  startGateway,
  startUpstream,
  type Upstream,
  waitFor,
} from '../integration/gateway-helpers.js';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 1200;

let ok: Upstream;
let other: Upstream;
let hung: Upstream;
let gw: RunningGateway;

before(async () => {
  ok = await startUpstream('ok');
  other = await startUpstream('other');
  // accepts connections and requests, never answers
  hung = await startUpstream('hung', () => {});
  gw = await startGateway(
    [
      mapping('m', '/m/', ok.address),
      mapping('other', '/other/', other.address),
      mapping('hung', '/hung/', hung.address, { timeout_ms: 300 }),
      mapping('shadowed', '/shadowed/', ok.address),
      mapping('shadow', '/shadowed/', hung.address, { shadow: true, timeout_ms: 300 }),
    ],
    { limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS } },
  );
});

after(async () => {
  await gw?.close();
  await Promise.all([ok, other, hung].map((u) => u?.close()));
});

interface RawResult {
  /** First response line, '' if none. */
  statusLine: string;
  /** The gateway closed the connection before our deadline. */
  closedByServer: boolean;
}

/** Writes `chunks` (with `gapMs` between them) and reads until the server closes or `deadlineMs`. */
function raw(chunks: (string | Buffer)[], deadlineMs = 5000, gapMs = 0): Promise<RawResult> {
  return new Promise((resolve) => {
    const sock = net.connect(gw.port, '127.0.0.1');
    let got = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      sock.destroy();
      resolve({ statusLine: got.split('\r\n')[0] ?? '', closedByServer });
    };
    const deadline = setTimeout(() => finish(false), deadlineMs);
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        sock.write(c);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

async function stillServes(): Promise<void> {
  const r = await request(gw.base, '/m/after', { headers: { connection: 'close' } });
  assert.equal(r.status, 200, 'a normal client is served');
  assert.match(r.body, /"upstream":"ok"/);
}

test('slow-loris: silent, trickling-header and trickling-body connections are all cut; others are served', async () => {
  const silent = Array.from({ length: 30 }, () => raw([], 8000));
  const header = Array.from({ length: 30 }, () =>
    raw(['GET /m/ HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'], 8000, 150),
  );
  const seenBefore = ok.seen.length;
  const body = Array.from({ length: 10 }, () =>
    raw(
      [
        'POST /m/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n',
        ...Array.from({ length: 40 }, () => 'a'),
      ],
      8000,
      100,
    ),
  );
  // meanwhile, a normal client is unaffected
  const served = await runConcurrent(20, 4, () => request(gw.base, '/m/x'));
  assert.deepEqual(new Set(served.map((r) => r.status)), new Set([200]));

  const s = await Promise.all(silent);
  assert.equal(s.filter((r) => r.closedByServer).length, 30, 'every silent connection was closed');
  const h = await Promise.all(header);
  assert.equal(h.filter((r) => r.closedByServer).length, 30, 'every trickling-header connection was closed');
  for (const r of h) assert.ok(r.statusLine === '' || /^HTTP\/1\.1 408/.test(r.statusLine), r.statusLine);
  const b = await Promise.all(body);
  assert.equal(b.filter((r) => r.closedByServer).length, 10, 'every trickling-body connection was closed');
  // the slow bodies never completed at the upstream
  assert.equal(
    ok.seen.slice(seenBefore).filter((x) => x.url === '/slow').length,
    0,
    'no incomplete body was delivered as complete',
  );
  await stillServes();
});

test('TLS listener: connections that never handshake or never finish their headers are cut too', async () => {
  const secure = await startGateway([mapping('m', '/m/', ok.address)], {
    tls: 'self-signed',
    limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
  try {
    const closed = (sock: net.Socket) =>
      new Promise<boolean>((resolve) => {
        const deadline = setTimeout(() => {
          sock.destroy();
          resolve(false);
        }, 8000);
        sock.on('error', () => {});
        sock.resume(); // read (and drop) a 408, so the close is seen
        sock.on('close', () => {
          clearTimeout(deadline);
          resolve(true);
        });
      });
    const silent = Array.from({ length: 10 }, () => closed(net.connect(secure.port, '127.0.0.1')));
    const partial = Array.from({ length: 10 }, () => {
      const s = tls.connect(
        { port: secure.port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] },
        () => s.write('GET /m/ HTTP/1.1\r\nHost: x\r\n'),
      );
      return closed(s);
    });
    assert.equal((await Promise.all(silent)).filter(Boolean).length, 10, 'no-handshake connections closed');
    assert.equal(
      (await Promise.all(partial)).filter(Boolean).length,
      10,
      'partial-header connections closed',
    );
  } finally {
    await secure.close();
  }
});

test('malformed and smuggling-shaped requests: 4xx, and nothing reaches an upstream', async () => {
  const seen = ok.seen.length + other.seen.length;
  const cases: [string, string | Buffer, RegExp][] = [
    [
      'CL + TE',
      'POST /m/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      /^HTTP\/1\.1 400/,
    ],
    [
      'two Content-Lengths',
      'POST /m/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      /^HTTP\/1\.1 400/,
    ],
    [
      'bad chunk size',
      'POST /m/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n',
      /^HTTP\/1\.1 400/,
    ],
    ['space before colon', 'GET /m/ HTTP/1.1\r\nHost : x\r\n\r\n', /^HTTP\/1\.1 400/],
    ['NUL in a header', 'GET /m/ HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', /^HTTP\/1\.1 400/],
    [
      'bare CR in a header',
      'GET /m/ HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n\r\n',
      /^HTTP\/1\.1 400/,
    ],
    ['obs-fold', 'GET /m/ HTTP/1.1\r\nHost: x\r\nX-A: a\r\n X-Injected: 1\r\n\r\n', /^HTTP\/1\.1 400/],
    ['garbage request line', 'HELLO\r\n\r\n', /^HTTP\/1\.1 400/],
    ['bad version', 'GET /m/ HTTP/9.9\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 (400|505)/],
    [
      'header section over 16 KiB',
      `GET /m/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      /^HTTP\/1\.1 431/,
    ],
    [
      'binary junk',
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]),
      /^HTTP\/1\.1 400/,
    ],
  ];
  for (const [what, bytes, want] of cases) {
    const r = await raw([bytes]);
    assert.match(r.statusLine, want, what);
    assert.ok(r.closedByServer, `${what}: the connection is closed`);
  }
  assert.equal(ok.seen.length + other.seen.length, seen, 'no malformed request was forwarded');
  assert.ok(!ok.seen.some((s) => s.headers['x-injected'] !== undefined), 'no header was injected upstream');
  await stillServes();
});

/** One h2c request with a hostile header value: the status it got, or how it failed. */
function h2Attempt(value: string): Promise<string> {
  return new Promise((resolve) => {
    const session = http2.connect(gw.base);
    let done = false;
    const finish = (what: string) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      session.destroy();
      resolve(what);
    };
    const deadline = setTimeout(() => finish('no answer'), 5000);
    session.on('error', (e) => finish(`session error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    session.on('goaway', () => finish('goaway'));
    try {
      const req = session.request({ ':path': '/m/h2', 'x-a': value });
      req.on('response', (h) => finish(`status ${h[':status']}`));
      req.on('error', (e) => finish(`stream error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.on('close', () => finish(`closed ${req.rstCode}`));
      req.end();
    } catch (e) {
      finish(`refused ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  });
}

test('header injection through HTTP/2 (h2c): no injected header or control character reaches the upstream', async () => {
  const seen = ok.seen.length;
  for (const value of ['a\r\nx-injected: 1', 'a\nx-injected: 1', 'a\rx-injected: 1', 'a\u0000b']) {
    // node's h2 server drops (or resets on) a field value with CR, LF or NUL; either way it is not forwarded
    await h2Attempt(value);
  }
  for (const s of ok.seen.slice(seen)) {
    assert.equal(s.headers['x-injected'], undefined, 'no header was injected upstream');
    for (const [k, v] of Object.entries(s.headers))
      assert.doesNotMatch(String(v), /[\r\n\0]/, `upstream header ${k} carries a control character`);
  }
  await stillServes();
});

test('path traversal and odd request targets never pick another route; no 5xx', async () => {
  const targets = [
    '/m/../other/x',
    '/m/%2e%2e/other/x',
    '/m/..%2fother/x',
    '/m/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/m//..//..//other/',
    '/m/\\..\\other',
    '/m/%00',
    '/%2e%2e/m/',
    '/other/../m/x',
    'm/x',
    '*',
    'http://evil.example/m/x',
    '/m/x?../../other=1#frag',
  ];
  for (const t of targets) {
    const beforeOk = ok.seen.length;
    const beforeOther = other.seen.length;
    const r = await raw([`GET ${t} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    const status = Number(r.statusLine.split(' ')[1]);
    assert.ok(status >= 200 && status < 500, `${t}: ${r.statusLine}`);
    const wentOk = ok.seen.length - beforeOk;
    const wentOther = other.seen.length - beforeOther;
    // a target is routed by its raw prefix only: /m/... to m, /other/... to other, the rest nowhere
    if (t.startsWith('/m/')) assert.equal(wentOther, 0, `${t} reached /other/`);
    else if (t.startsWith('/other/')) assert.equal(wentOk, 0, `${t} reached /m/`);
    else assert.equal(wentOk + wentOther, 0, `${t} was routed (${r.statusLine})`);
  }
  await stillServes();
});

test('a hung upstream: every request gets 504 at timeout_ms, and sockets stay bounded round after round', async () => {
  const round = () =>
    runConcurrent(48, 24, () =>
      request(gw.base, '/hung/x', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
  const statuses = new Map<number, number>();
  const count = (rs: { status: number; body: string }[]) => {
    for (const r of rs) {
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      assert.equal(r.body, 'upstream request timeout');
    }
  };
  count(await round());
  // aborted upstream connections are closed; the pool may keep up to one idle connection per concurrent request
  const fdsAfterFirst = openFds();
  for (let i = 0; i < 4; i++) count(await round());
  assert.deepEqual([...statuses], [[504, 240]]);
  assert.ok(await waitFor(() => hung.seen.length >= 240, 5000), `the hung upstream got ${hung.seen.length}`);
  assert.ok(
    // a leak would add two fds per request: 384 over rounds 2-5
    await waitFor(() => openFds() < fdsAfterFirst + 48, 5000),
    `open fds grew from ${fdsAfterFirst} (after round 1) to ${openFds()} (after round 5)`,
  );
  await stillServes();
});

test('a hung shadow: the main path answers every request with 200 and the main body', async () => {
  const mirrored = hung.seen.length;
  const replies = await runConcurrent(150, 15, () =>
    request(gw.base, '/shadowed/x', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    }),
  );
  assert.equal(replies.filter((r) => r.status === 200 && /"upstream":"ok"/.test(r.body)).length, 150);
  assert.ok(
    await waitFor(() => hung.seen.length >= mirrored + 150, 5000),
    'the shadow got its copies (and never answered them)',
  );
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
