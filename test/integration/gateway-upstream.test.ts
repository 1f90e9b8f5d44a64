/**
 * Gateway data plane, upstream side: timeouts, connect failures, retries,
 * circuit breakers, shadow mirroring, split TCP writes on the peeked port.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import type { Endpoint, ServiceResolver } from '../../src/gateway/index.js';
import { createLiteralResolver } from '../../src/gateway/index.js';
import {
  agent,
  deadPort,
  mapping,
  request,
  sleep,
  startGateway,
  startUpstream,
  type Upstream,
  waitFor,
} from './gateway-helpers.js';

const RESET_PREFIX = 'upstream connect error or disconnect/reset before headers. reset reason: ';
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  agent.destroy();
  for (const c of cleanups.reverse()) await c();
});

async function upstream(name: string, handler?: Parameters<typeof startUpstream>[1]): Promise<Upstream> {
  const u = await startUpstream(name, handler);
  cleanups.push(() => u.close());
  return u;
}

async function gateway(...args: Parameters<typeof startGateway>) {
  const g = await startGateway(...args);
  cleanups.push(() => g.close());
  return g;
}

/** Literal resolution, plus `pair` → the given endpoints (a cluster with several replicas). */
function pairResolver(endpoints: Endpoint[]): ServiceResolver {
  const literal = createLiteralResolver();
  return {
    resolve: (service) => (service === 'pair' ? endpoints : literal.resolve(service)),
    onChange: () => () => {},
  };
}

test('timeout_ms 200 on a 1 s upstream: 504 upstream request timeout', async () => {
  const slow = await upstream('slow', (_s, res) => {
    const t = setTimeout(() => res.end('late'), 1000);
    res.on('close', () => clearTimeout(t));
  });
  const g = await gateway([mapping('m', '/slow/', slow.address, { timeout_ms: 200 })]);
  const r = await request(g.base, '/slow/x');
  assert.equal(r.status, 504);
  assert.equal(r.body, 'upstream request timeout');
});

test('connect failure: 503 with Envoy reset body', async () => {
  const port = await deadPort();
  const g = await gateway([mapping('m', '/dead/', `127.0.0.1:${port}`)]);
  const r = await request(g.base, '/dead/x');
  assert.equal(r.status, 503);
  assert.ok(r.body.startsWith(RESET_PREFIX), r.body);
  assert.ok(r.body.endsWith('connection failure'), r.body);
});

test('retry_on connect-failure: a dead endpoint is retried on a live one', async () => {
  const live = await upstream('live');
  const dead = await deadPort();
  const mappings = [mapping('m', '/r/', 'pair', { retry_policy: { retry_on: 'connect-failure' as const } })];
  const g = await gateway(mappings, {
    resolver: pairResolver([
      { host: '127.0.0.1', port: dead },
      { host: '127.0.0.1', port: live.port },
    ]),
  });
  for (let i = 0; i < 6; i++) {
    const r = await request(g.base, `/r/${i}`, { body: `{"i":${i}}` });
    assert.equal(r.status, 200, `request ${i}: ${r.body}`);
  }
  assert.equal(live.seen.length, 6);
  assert.deepEqual(
    live.seen.map((s) => s.body),
    [0, 1, 2, 3, 4, 5].map((i) => `{"i":${i}}`),
  );
});

test('without a retry policy the dead endpoint answers 503', async () => {
  const live = await upstream('live2');
  const dead = await deadPort();
  const g = await gateway([mapping('m', '/r/', 'pair')], {
    resolver: pairResolver([
      { host: '127.0.0.1', port: dead },
      { host: '127.0.0.1', port: live.port },
    ]),
  });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await request(g.base, `/r/${i}`)).status);
  assert.deepEqual(statuses.sort(), [200, 200, 503, 503]);
});

test('retry_on 5xx with num_retries: 503s are retried until the upstream answers', async () => {
  let calls = 0;
  const flaky = await upstream('flaky', (_s, res) => {
    calls++;
    if (calls <= 2) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`busy ${calls}`);
      return;
    }
    res.end('ok');
  });
  const g = await gateway([
    mapping('two', '/two/', flaky.address, { retry_policy: { retry_on: '5xx', num_retries: 2 } }),
    mapping('one', '/one/', flaky.address, { retry_policy: { retry_on: '5xx', num_retries: 1 } }),
  ]);
  const r = await request(g.base, '/two/x', { body: 'payload' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok');
  assert.equal(calls, 3);
  assert.ok(flaky.seen.every((s) => s.body === 'payload'));

  calls = 0;
  const r1 = await request(g.base, '/one/x');
  assert.equal(r1.status, 503, 'one retry is not enough for two 503s');
  assert.equal(r1.body, 'busy 2');
  assert.equal(calls, 2);
});

test('retry_on gateway-error does not retry a 500; retriable-4xx retries 409', async () => {
  let calls = 0;
  const u = await upstream('codes', (s, res) => {
    calls++;
    res.statusCode = s.url.startsWith('/500') ? 500 : calls === 1 ? 409 : 200;
    res.end(String(res.statusCode));
  });
  const g = await gateway([
    mapping('gw', '/ge/', u.address, { retry_policy: { retry_on: 'gateway-error', num_retries: 3 } }),
    mapping('c', '/c/', u.address, { retry_policy: { retry_on: 'retriable-4xx', num_retries: 1 } }),
  ]);
  const r = await request(g.base, '/ge/500');
  assert.equal(r.status, 500);
  assert.equal(calls, 1);
  calls = 0;
  const r2 = await request(g.base, '/c/x');
  assert.equal(r2.status, 200);
  assert.equal(calls, 2);
});

test('circuit breaker max_requests 1: the second concurrent request overflows at once', async () => {
  const release: (() => void)[] = [];
  const held = await upstream('held', (_s, res) => {
    release.push(() => res.end('done'));
  });
  const g = await gateway([
    mapping('m', '/cb/', held.address, { circuit_breakers: [{ max_requests: 1 }], timeout_ms: 5000 }),
  ]);
  const first = request(g.base, '/cb/1');
  assert.ok(await waitFor(() => held.seen.length === 1));
  const second = await request(g.base, '/cb/2');
  assert.equal(second.status, 503);
  assert.equal(second.headers['x-envoy-overloaded'], 'true');
  assert.ok(second.body.endsWith('reset reason: overflow'), second.body);
  assert.equal(held.seen.length, 1, 'nothing sent upstream on overflow');
  for (const r of release) r();
  const r1 = await first;
  assert.equal(r1.status, 200);
  // The slot is free again.
  const third = request(g.base, '/cb/3');
  assert.ok(await waitFor(() => release.length === 2));
  release[1]!();
  assert.equal((await third).status, 200);
});

test('shadow: the mirror gets a copy with -shadow host, and a 5 s shadow does not hold the client', async () => {
  const main = await upstream('main');
  let shadowAnswered = false;
  const shadow = await upstream('shadow', (_s, res) => {
    const t = setTimeout(() => {
      shadowAnswered = true;
      res.end('shadow');
    }, 5000);
    res.on('close', () => clearTimeout(t));
  });
  const g = await gateway([
    mapping('main', '/sh/', main.address),
    mapping('mirror', '/sh/', shadow.address, { shadow: true, timeout_ms: 10_000 }),
  ]);
  const replies = [];
  for (let i = 0; i < 3; i++) replies.push(await request(g.base, `/sh/api?i=${i}`, { body: `{"i":${i}}` }));
  for (const r of replies) {
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).upstream, 'main');
  }
  assert.equal(shadowAnswered, false, 'the client got its answers before the shadow answered');
  assert.ok(await waitFor(() => shadow.seen.length === 3));
  const copy = shadow.seen[0]!;
  assert.equal(copy.url, '/api?i=0');
  assert.equal(copy.body, '{"i":0}');
  const mainHost = main.seen[0]!.headers.host!;
  assert.equal(copy.headers.host, mainHost.replace(/:(\d+)$/, '-shadow:$1'));
  assert.equal(copy.headers['x-request-id'], main.seen[0]!.headers['x-request-id']);
  assert.equal(copy.headers['x-envoy-original-path'], '/sh/api?i=0');
  assert.equal(copy.headers['x-forwarded-proto'], 'http');
});

test('shadow errors never reach the client, and each shadow copy is counted by outcome', async () => {
  const main = await upstream('main2');
  const good = await upstream('good-shadow');
  const dead = await deadPort();
  const shadows: string[] = [];
  const metrics = {
    observeRequest() {},
    observeShadow: (cluster: string, outcome: string) => shadows.push(`${cluster} ${outcome}`),
  };
  const g = await gateway(
    [
      mapping('main', '/she/', main.address),
      mapping('mirror', '/she/', `127.0.0.1:${dead}`, { shadow: true }),
      mapping('main-ok', '/shok/', main.address),
      mapping('mirror-ok', '/shok/', good.address, { shadow: true }),
    ],
    { metrics },
  );
  const r = await request(g.base, '/she/x', { body: 'x' });
  assert.equal(r.status, 200);
  assert.equal((await request(g.base, '/shok/x', { body: 'x' })).status, 200);
  assert.ok(await waitFor(() => shadows.length === 2), shadows.join(', '));
  assert.deepEqual(shadows.map((x) => x.split(' ')[1]).sort(), ['error', 'ok']);
  assert.ok(
    shadows.some((x) => x.startsWith(`cluster_127_0_0_1_${dead}`) && x.endsWith(' error')),
    shadows.join(),
  );
});

test("a shadow slower than its Mapping's timeout_ms is cut: counted as timeout, the client unaffected", async () => {
  const main = await upstream('main3');
  const stuck = await upstream('stuck-shadow', () => {
    // never answers
  });
  const shadows: string[] = [];
  const metrics = {
    observeRequest() {},
    observeShadow: (_cluster: string, outcome: string) => shadows.push(outcome),
  };
  const g = await gateway(
    [
      mapping('main', '/sht/', main.address),
      mapping('mirror', '/sht/', stuck.address, { shadow: true, timeout_ms: 150 }),
    ],
    { metrics },
  );
  const t0 = performance.now();
  for (let i = 0; i < 2; i++) assert.equal((await request(g.base, '/sht/x', { body: 'x' })).status, 200);
  assert.ok(await waitFor(() => shadows.length === 2, 3000), shadows.join(', '));
  const took = performance.now() - t0;
  assert.deepEqual(shadows, ['timeout', 'timeout']);
  assert.ok(took >= 150, `cut after ${took.toFixed(0)} ms`);
  assert.ok(await waitFor(() => stuck.seen.length === 2), 'both copies reached the shadow');
});

test('a request whose headers and body arrive in separate TCP writes is proxied whole', async () => {
  const echo = await upstream('echo', (s, res) => res.end(s.body));
  const g = await gateway([mapping('m', '/e/', echo.address)]);
  const reply = await new Promise<string>((resolve, reject) => {
    const sock = net.connect(g.port, '127.0.0.1');
    let data = '';
    sock.on('data', (c) => {
      data += c.toString();
      if (data.includes('\r\n\r\n') && data.endsWith('hello')) {
        sock.destroy();
        resolve(data);
      }
    });
    sock.on('error', reject);
    sock.write('POST /e/x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n');
    void sleep(50).then(() => sock.write('hello'));
  });
  assert.match(reply, /^HTTP\/1\.1 200/);
});

test('per_try_timeout: a slow first try is cut and retried', async () => {
  let calls = 0;
  const u = await upstream('pertry', (_s, res) => {
    calls++;
    if (calls === 1) {
      const t = setTimeout(() => res.end('late'), 1000);
      res.on('close', () => clearTimeout(t));
      return;
    }
    res.end('fast');
  });
  const g = await gateway([
    mapping('m', '/pt/', u.address, {
      timeout_ms: 3000,
      retry_policy: { retry_on: 'gateway-error', num_retries: 1, per_try_timeout: '150ms' },
    }),
  ]);
  const r = await request(g.base, '/pt/x');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'fast');
  assert.equal(calls, 2);
});

test('idle_timeout_ms: an upstream silent for longer answers 504 stream timeout', async () => {
  const u = await upstream('idle', (_s, res) => {
    const t = setTimeout(() => res.end('late'), 1000);
    res.on('close', () => clearTimeout(t));
  });
  const g = await gateway([mapping('m', '/idle/', u.address, { timeout_ms: 3000, idle_timeout_ms: 150 })]);
  const r = await request(g.base, '/idle/x');
  assert.equal(r.status, 504);
  assert.equal(r.body, 'stream timeout');
});

test('a request body over 1 MiB is streamed through and not retried', async () => {
  let calls = 0;
  const u = await upstream('big', (s, res) => {
    calls++;
    res.statusCode = 503;
    res.end(String(s.body.length));
  });
  const g = await gateway([
    mapping('m', '/big/', u.address, { retry_policy: { retry_on: '5xx', num_retries: 2 } }),
  ]);
  const body = Buffer.alloc(1024 * 1024 + 10, 'a');
  const r = await request(g.base, '/big/x', { body });
  assert.equal(r.status, 503);
  assert.equal(r.body, String(body.length));
  assert.equal(calls, 1, 'not retried');
  const chunked = await request(g.base, '/big/x', { body, headers: { 'transfer-encoding': 'chunked' } });
  assert.equal(chunked.body, String(body.length), 'a chunked body past the buffer limit arrives whole');
  assert.equal(calls, 2, 'not retried either');
  calls = 1;
  const small = await request(g.base, '/big/x', { body: 'small' });
  assert.equal(small.status, 503);
  assert.equal(calls, 4, 'a small body is retried twice');
});

test('request bodies arrive whole on both sides of the 64 KiB buffering threshold, with and without content-length', async () => {
  const u = await upstream('sizes', (s, res) => {
    res.end(
      JSON.stringify({
        len: s.body.length,
        cl: s.headers['content-length'] ?? null,
        te: s.headers['transfer-encoding'] ?? null,
      }),
    );
  });
  const g = await gateway([mapping('m', '/sizes/', u.address)]);
  for (const n of [0, 1, 64 * 1024, 64 * 1024 + 1, 300 * 1024]) {
    const body = Buffer.alloc(n, 'b');
    const r = await request(g.base, '/sizes/x', { method: 'POST', body });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body) as { len: number; cl: string | null };
    assert.equal(seen.len, n, `${n} bytes arrive`);
    assert.equal(seen.cl, String(n), `${n} bytes: content-length kept`);
    if (n > 0) {
      const chunked = await request(g.base, '/sizes/x', {
        method: 'POST',
        body,
        headers: { 'transfer-encoding': 'chunked' },
      });
      assert.equal((JSON.parse(chunked.body) as { len: number }).len, n, `${n} bytes chunked arrive`);
    }
  }
});
