// PipelinedPool against raw TCP upstreams on 127.0.0.1 that say exactly what they got on which connection.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { DispatchController, DispatchOptions } from './dispatch.js';
import { PipelinedPool } from './pipelined-pool.js';

const closers: (() => void)[] = [];
after(() => {
  for (const c of closers) c();
});

/** What the upstream does with one request: answer it (and maybe close), wait, or cut the connection. */
type Act = { answer: true; close?: boolean; delayMs?: number } | { cut: true };

interface Upstream {
  port: number;
  /** Per connection, in order, the paths of the requests it read. */
  reads: string[][];
  /** Paths the upstream answered (acted on). */
  acted: string[];
}

/** An upstream that reads bodyless requests one after another (pipelined or not) and acts on each as `act` says. */
async function upstream(act: (path: string, conn: number, nth: number) => Act): Promise<Upstream> {
  const u: Upstream = { port: 0, reads: [], acted: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const conn = u.reads.length;
    u.reads.push([]);
    let buffered = '';
    let chain = Promise.resolve();
    let gone = false;
    socket.on('close', () => {
      gone = true;
    });
    socket.on('error', () => {});
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const path = head.split(' ')[1]!;
        const nth = u.reads[conn]!.push(path) - 1;
        chain = chain.then(async () => {
          if (gone) return;
          const a = act(path, conn, nth);
          if ('cut' in a) {
            gone = true;
            socket.destroy();
            return;
          }
          if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
          if (gone) return;
          u.acted.push(path);
          const body = `answer ${path}`;
          socket.write(
            `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${a.close ? 'connection: close\r\n' : ''}\r\n${body}`,
          );
          if (a.close) {
            gone = true;
            socket.end();
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  u.port = (server.address() as AddressInfo).port;
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return u;
}

function pool(port: number, extra: Partial<ConstructorParameters<typeof PipelinedPool>[0]> = {}) {
  const p = new PipelinedPool({
    host: '127.0.0.1',
    port,
    authority: `127.0.0.1:${port}`,
    connections: 8,
    connectTimeoutMs: 1000,
    keepAliveMs: 60_000,
    maxDepth: 16,
    // Generous: the tests decide by what the upstream does, not by how fast this machine is.
    queueBudgetMs: 10_000,
    ...extra,
  });
  closers.push(() => void p.destroy());
  return p;
}

interface Outcome {
  status: number;
  body: string;
  error: (Error & { code?: string }) | undefined;
}

function send(p: PipelinedPool, path: string, o: Partial<DispatchOptions> = {}) {
  let controller: DispatchController | undefined;
  const done = new Promise<Outcome>((resolve) => {
    const r: Outcome = { status: 0, body: '', error: undefined };
    p.dispatch(
      { path, method: 'GET', headers: { host: 'h' }, body: null, ...o },
      {
        onRequestStart: (c) => {
          controller = c;
        },
        onResponseStart: (_c, status) => {
          r.status = status;
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
  return { done, abort: (e: Error) => controller!.abort(e) };
}

const paths = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `/${tag}/${i}`);

test('copies sent in one turn go pipelined on one connection; each gets its own answer', async () => {
  const u = await upstream(() => ({ answer: true }));
  const p = pool(u.port);
  // Two pipelined answers give the pool the upstream's speed: until then at most 4 a connection.
  const warm = paths(2, 'w');
  await Promise.all(warm.map((x) => send(p, x).done));
  assert.equal(p.depth(), 16);
  const batch = paths(8, 'b');
  const outs = await Promise.all(batch.map((x) => send(p, x).done));
  assert.deepEqual(
    outs.map((o) => o.body),
    batch.map((x) => `answer ${x}`),
  );
  assert.deepEqual(u.reads, [[...warm, ...batch]], 'one connection carried all of them');
});

test('a slow upstream gets one copy a connection: the queue budget caps the depth', async () => {
  const u = await upstream(() => ({ answer: true, delayMs: 30 }));
  const p = pool(u.port, { queueBudgetMs: 2 });
  // Pipelined, the second answer comes 30 ms after the first: over the budget.
  await Promise.all(paths(2, 'w').map((x) => send(p, x).done));
  assert.equal(p.depth(), 1);
  const batch = paths(4, 's');
  const outs = await Promise.all(batch.map((x) => send(p, x).done));
  assert.ok(outs.every((o) => o.status === 200));
  const carriers = batch.map((x) => u.reads.findIndex((r) => r.includes(x)));
  assert.equal(new Set(carriers).size, 4, `one copy a connection: ${JSON.stringify(u.reads)}`);
  // A second later one batch of two probes the upstream again.
  assert.equal(p.depth(performance.now() + 1500), 2);
  assert.equal(p.depth(performance.now() + 1500), 1);
});

test('after an answer with Connection: close the rest go again, once each, and pipelining stops', async () => {
  const u = await upstream((_path, conn, nth) => ({ answer: true, close: conn === 0 && nth === 1 }));
  const p = pool(u.port);
  await send(p, '/warm').done;
  const batch = paths(4, 'c');
  const outs = await Promise.all(batch.map((x) => send(p, x).done));
  assert.deepEqual(
    outs.map((o) => o.body),
    batch.map((x) => `answer ${x}`),
  );
  // The first connection read them all but acted on two; the others were acted on once, elsewhere.
  assert.deepEqual(u.reads[0], ['/warm', ...batch]);
  assert.deepEqual(u.acted.toSorted(), ['/warm', ...batch].toSorted());
  assert.equal(p.depth(), 1);
});

test('a connection cut mid-pipeline fails the unanswered copies: never sent twice once they may have been acted on', async () => {
  const u = await upstream((path) => (path === '/x/2' ? { cut: true } : { answer: true }));
  const p = pool(u.port);
  await send(p, '/warm').done;
  const outs = await Promise.all(paths(4, 'x').map((x) => send(p, x).done));
  assert.deepEqual(
    outs.map((o) => o.status),
    [200, 200, 0, 0],
  );
  assert.equal(outs[2]!.error?.code, 'H1_UPSTREAM_CLOSED');
  assert.equal(outs[3]!.error?.code, 'H1_UPSTREAM_CLOSED');
  assert.equal(u.reads.length, 1, 'no second connection: nothing was sent again');
});

test('a reused connection closed before any byte of the next answer: its copies go once more', async () => {
  // The second connection answers; the first cuts what follows its first answer (closed while idle, as it were).
  const u = await upstream((_path, conn, nth) => (conn === 0 && nth > 0 ? { cut: true } : { answer: true }));
  const p = pool(u.port);
  await send(p, '/warm').done;
  const batch = paths(3, 'i');
  const outs = await Promise.all(batch.map((x) => send(p, x).done));
  assert.ok(
    outs.every((o) => o.status === 200),
    JSON.stringify(outs.map((o) => o.error?.message)),
  );
  assert.deepEqual(u.reads[1], batch, 'sent again together on a new connection');
});

test('abort: a waiting copy is never sent; when every copy on a connection is given up it is closed', async () => {
  const u = await upstream(() => ({ answer: true, delayMs: 1000 }));
  const p = pool(u.port, { connections: 1 });
  const first = send(p, '/held');
  const dropped = send(p, '/dropped');
  dropped.abort(new Error('timeout'));
  assert.equal((await dropped.done).error?.message, 'timeout');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(u.reads, [['/held']]);
  first.abort(new Error('timeout'));
  assert.equal((await first.done).error?.message, 'timeout');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(p.size, 0, 'nothing left to read for: the connection is closed');
});

test('a malformed answer fails every copy on its connection as a protocol error', async () => {
  const server = net.createServer((s) => {
    s.on('data', () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nbad\0name: x\r\n\r\nok'));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const p = pool((server.address() as AddressInfo).port);
  const outs = await Promise.all(paths(3, 'm').map((x) => send(p, x).done));
  for (const o of outs) assert.equal(o.error?.code, 'H1_UPSTREAM_PROTOCOL');
});

test('close() lets copies in flight finish; destroy() fails them; neither takes new ones', async () => {
  const u = await upstream(() => ({ answer: true, delayMs: 50 }));
  const p = pool(u.port);
  const inFlight = send(p, '/a').done;
  const closed = p.close();
  assert.equal((await inFlight).status, 200);
  await closed;
  assert.equal(p.size, 0);
  assert.ok((await send(p, '/late').done).error);
  const q = pool(u.port);
  const cut = send(q, '/b').done;
  await new Promise((r) => setTimeout(r, 20));
  await q.destroy();
  assert.equal((await cut).error?.code, 'H1_UPSTREAM_DESTROYED');
});

test('bodies go with their heads in one write; a streamed body is refused', async () => {
  const sockets = new Set<number>();
  const server = http.createServer((req, res) => {
    sockets.add(req.socket.remotePort ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(`${req.url} ${Buffer.concat(chunks).toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const p = pool((server.address() as AddressInfo).port);
  const bodies = ['{"a":1}', '', '{"c":[1,2,3]}'];
  const outs = await Promise.all(
    bodies.map((b, i) => send(p, `/p/${i}`, { method: 'POST', body: Buffer.from(b) }).done),
  );
  assert.deepEqual(
    outs.map((o) => o.body),
    bodies.map((b, i) => `/p/${i} ${b}`),
  );
  assert.equal(sockets.size, 1, 'pipelined on one connection');
  const { Readable } = await import('node:stream');
  const refused = await send(p, '/stream', { method: 'POST', body: Readable.from(['x']) }).done;
  assert.match(refused.error?.message ?? '', /buffered bodies/);
});
