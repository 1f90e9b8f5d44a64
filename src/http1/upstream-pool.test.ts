/** The upstream pool against real servers on 127.0.0.1: reuse, limits, failures, framing. */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { type DispatchController, type DispatchOptions, UpstreamCodes } from './dispatch.js';
import { UpstreamPool } from './upstream-pool.js';

const closers: (() => void)[] = [];
after(() => {
  for (const c of closers) c();
});

interface Result {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  error: (Error & { code?: string }) | undefined;
}

function send(
  pool: UpstreamPool,
  o: Partial<DispatchOptions> = {},
  onController?: (c: DispatchController) => void,
) {
  return new Promise<Result>((resolve) => {
    const r: Result = { status: 0, headers: {}, body: '', error: undefined };
    pool.dispatch(
      { path: '/', method: 'GET', headers: { host: 'h' }, body: null, ...o },
      {
        onRequestStart: (c) => onController?.(c),
        onResponseStart: (_c, status, headers) => {
          r.status = status;
          r.headers = headers;
        },
        onResponseData: (_c, chunk) => {
          r.body += chunk.toString();
        },
        onResponseEnd: () => resolve(r),
        onResponseError: (_c, err) => {
          r.error = err;
          resolve(r);
        },
      },
    );
  });
}

async function server(handler: http.RequestListener, tweak?: (s: http.Server) => void) {
  const sockets = new Set<number>();
  const s = http.createServer(handler);
  tweak?.(s);
  s.on('connection', (sock) => sockets.add(sock.remotePort ?? 0));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    s.closeAllConnections();
    s.close();
  });
  return { port: (s.address() as AddressInfo).port, sockets, server: s };
}

function pool(
  port: number,
  connections = 8,
  extra: Partial<ConstructorParameters<typeof UpstreamPool>[0]> = {},
) {
  const p = new UpstreamPool({
    host: '127.0.0.1',
    port,
    authority: `127.0.0.1:${port}`,
    connections,
    connectTimeoutMs: 1000,
    keepAliveMs: 60_000,
    ...extra,
  });
  closers.push(() => void p.destroy());
  return p;
}

const echo: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      body: Buffer.concat(chunks).toString(),
      te: req.headers['transfer-encoding'] ?? null,
      cl: req.headers['content-length'] ?? null,
      host: req.headers.host,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
};

test('sequential requests reuse one keep-alive connection; bodies and lengths arrive intact', async () => {
  const up = await server(echo);
  const p = pool(up.port);
  for (let i = 0; i < 5; i++) {
    const r = await send(p, { method: 'POST', path: `/x/${i}`, body: Buffer.from(`body-${i}`) });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), {
      method: 'POST',
      url: `/x/${i}`,
      body: `body-${i}`,
      te: null,
      cl: '6',
      host: 'h',
    });
  }
  assert.equal(up.sockets.size, 1);
  const empty = JSON.parse((await send(p, { method: 'POST', body: null })).body);
  assert.equal(empty.cl, '0', 'a POST with no body says content-length: 0');
});

test("a request with no Host goes with the pool's authority, and the caller's headers stay as they were", async () => {
  const up = await server(echo);
  const p = pool(up.port);
  const headers: IncomingHttpHeaders = { 'x-a': '1' };
  const r = await send(p, { headers });
  assert.equal(JSON.parse(r.body).host, `127.0.0.1:${up.port}`);
  // The exchange sends a mirror from the same object after the main request.
  assert.deepEqual(headers, { 'x-a': '1' });
});

test('at most `connections` sockets; the rest queue and all complete in order of arrival', async () => {
  let inFlight = 0;
  let most = 0;
  const up = await server((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end(req.url);
    }, 20);
  });
  const p = pool(up.port, 2);
  const rs = await Promise.all(Array.from({ length: 7 }, (_, i) => send(p, { path: `/${i}` })));
  assert.deepEqual(
    rs.map((r) => r.body),
    ['/0', '/1', '/2', '/3', '/4', '/5', '/6'],
  );
  assert.equal(most, 2);
  assert.equal(up.sockets.size, 2);
});

test('a streamed body of unknown length goes chunked; with a known length it goes as is', async () => {
  const up = await server(echo);
  const p = pool(up.port);
  const body = new PassThrough();
  const pending = send(p, { method: 'PUT', body });
  body.write('a'.repeat(1000));
  setTimeout(() => body.end('tail'), 10);
  const r = JSON.parse((await pending).body);
  assert.equal(r.body, `${'a'.repeat(1000)}tail`);
  assert.equal(r.te, 'chunked');
  const sized = new PassThrough();
  const pending2 = send(p, { method: 'PUT', body: sized, headers: { host: 'h', 'content-length': '3' } });
  sized.end('xyz');
  const r2 = JSON.parse((await pending2).body);
  assert.deepEqual([r2.body, r2.cl, r2.te], ['xyz', '3', null]);
});

test('chunked and close-delimited responses are read whole', async () => {
  const up = await server((req, res) => {
    if (req.url === '/chunked') {
      res.write('one,');
      setTimeout(() => res.end('two'), 5);
    } else {
      res.shouldKeepAlive = false;
      res.removeHeader('content-length');
      res.useChunkedEncodingByDefault = false;
      res.end('until close');
    }
  });
  const p = pool(up.port);
  assert.equal((await send(p, { path: '/chunked' })).body, 'one,two');
  const closeDelimited = await send(p, { path: '/close', headers: { host: 'h', connection: 'close' } });
  assert.equal(closeDelimited.body, 'until close');
  assert.equal((await send(p, { path: '/chunked' })).body, 'one,two');
});

test('a reused connection that the upstream closed as the request went out: the request is sent again on a new one', async () => {
  // Each connection answers one request and drops the next unanswered: the race of an idle close.
  let connections = 0;
  const bodies: string[] = [];
  const racy = net.createServer((sock) => {
    connections++;
    let served = 0;
    sock.on('data', (d) => {
      if (served++ > 0) {
        sock.destroy();
        return;
      }
      bodies.push(d.toString().split('\r\n\r\n')[1] ?? '');
      sock.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => racy.listen(0, '127.0.0.1', resolve));
  closers.push(() => racy.close());
  const p = pool((racy.address() as AddressInfo).port);
  assert.equal((await send(p, { method: 'POST', body: Buffer.from('first') })).body, 'ok');
  const again = await send(p, { method: 'POST', body: Buffer.from('second') });
  assert.equal(again.error, undefined);
  assert.equal(again.body, 'ok');
  assert.deepEqual(bodies, ['first', 'second']);
  assert.equal(connections, 2);
  // A streamed body cannot be replayed: that failure is reported.
  const stream = new PassThrough();
  const pending = send(p, { method: 'POST', body: stream });
  stream.end('third');
  assert.ok((await pending).error !== undefined);
});

test('failures carry codes the exchange maps: refused, connect timeout, headers and body timeouts, protocol, reset', async () => {
  const dead = await server(echo);
  const deadPort = dead.port;
  dead.server.close();
  dead.server.closeAllConnections();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((await send(pool(deadPort))).error?.code, 'ECONNREFUSED');

  const silent = await server(() => {});
  assert.equal(
    (await send(pool(silent.port), { headersTimeout: 50 })).error?.code,
    UpstreamCodes.headersTimeout,
  );

  const stalls = await server((_req, res) => {
    res.writeHead(200, { 'content-length': '10' });
    res.write('abc');
  });
  const stalled = await send(pool(stalls.port), { bodyTimeout: 50 });
  assert.equal(stalled.status, 200);
  assert.equal(stalled.error?.code, UpstreamCodes.bodyTimeout);

  const junk = net.createServer((s) => s.on('data', () => s.write('NOT HTTP AT ALL\r\n\r\n')));
  await new Promise<void>((resolve) => junk.listen(0, '127.0.0.1', resolve));
  closers.push(() => junk.close());
  const junkPort = (junk.address() as AddressInfo).port;
  assert.equal((await send(pool(junkPort))).error?.code, UpstreamCodes.protocol);

  const resets = net.createServer((s) => s.on('data', () => s.destroy()));
  await new Promise<void>((resolve) => resets.listen(0, '127.0.0.1', resolve));
  closers.push(() => resets.close());
  const reset = await send(pool((resets.address() as AddressInfo).port));
  assert.ok(reset.error !== undefined && reset.status === 0, 'a reset before the head is an error');
});

test('abort from the handler fails the request once and frees its slot', async () => {
  const up = await server((_req, res) => {
    res.writeHead(200);
    res.write('partial');
  });
  const p = pool(up.port, 1);
  let controller: DispatchController | undefined;
  const pending = send(p, {}, (c) => {
    controller = c;
  });
  await new Promise((r) => setTimeout(r, 50));
  controller!.abort(new Error('client gone'));
  const r = await pending;
  assert.equal(r.error?.message, 'client gone');
  assert.equal(p.size, 0, 'the aborted connection is closed, not reused');
});

test('close() lets in-flight requests finish; destroy() fails them', async () => {
  const up = await server((_req, res) => setTimeout(() => res.end('late'), 50));
  const p = pool(up.port);
  const inflight = send(p);
  await new Promise((r) => setTimeout(r, 10));
  const closed = p.close();
  assert.equal((await inflight).body, 'late');
  await closed;
  assert.equal(p.size, 0);
  const p2 = pool(up.port);
  const doomed = send(p2);
  await new Promise((r) => setTimeout(r, 10));
  await p2.destroy();
  assert.equal((await doomed).error?.code, UpstreamCodes.destroyed);
});

test("an upstream's Keep-Alive timeout is honoured per upstream, whatever the last one sent", async () => {
  const ok: http.RequestListener = (_req, res) => res.end('ok');
  // node sends `Keep-Alive: timeout=<keepAliveTimeout in s>`; the pool stops reusing 1 s before it.
  const short = await server(ok, (s) => {
    s.keepAliveTimeout = 1000;
  });
  const long = await server(ok, (s) => {
    s.keepAliveTimeout = 60_000;
  });
  const ps = pool(short.port, 1);
  const pl = pool(long.port, 1);
  for (const p of [ps, ps, pl, pl, ps, ps]) assert.equal((await send(p)).body, 'ok');
  assert.equal(short.sockets.size, 4, 'timeout=1: never reused');
  assert.equal(long.sockets.size, 1, 'timeout=60: reused');
});
