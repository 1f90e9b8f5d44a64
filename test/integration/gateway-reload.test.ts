/**
 * Config reload: tables swap atomically under load; requests in flight finish
 * on the clusters they started with; unchanged clusters keep their pools.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  agent,
  mapping,
  request,
  runConcurrent,
  sleep,
  startGateway,
  startUpstream,
  type Upstream,
} from './gateway-helpers.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  agent.destroy();
  for (const c of cleanups.reverse()) await c();
});

async function delayed(name: string, ms: number): Promise<Upstream> {
  const u = await startUpstream(name, (s, res) => {
    setTimeout(() => res.end(JSON.stringify({ upstream: name, url: s.url })), ms);
  });
  cleanups.push(() => u.close());
  return u;
}

test('swapping tables under load loses no request', async () => {
  const a = await delayed('a', 2);
  const b = await delayed('b', 2);
  const tableA = [mapping('m', '/m/', a.address)];
  const tableB = [mapping('m', '/m/', b.address, { timeout_ms: 2000 })];
  const g = await startGateway(tableA);
  cleanups.push(() => g.close());
  let swapping = true;
  const swapper = (async () => {
    for (let i = 0; swapping && i < 200; i++) {
      g.setMappings(i % 2 === 0 ? tableB : tableA);
      await sleep(5);
    }
  })();
  const replies = await runConcurrent(300, 8, (i) => request(g.base, `/m/${i}`, { body: `{"i":${i}}` }));
  swapping = false;
  await swapper;
  const bad = replies.filter((r) => r.status !== 200);
  assert.deepEqual(
    bad.map((r) => `${r.status} ${r.body}`),
    [],
  );
  assert.ok(a.seen.length > 0 && b.seen.length > 0, 'both tables served traffic');
  assert.equal(a.seen.length + b.seen.length, 300);
});

test('a request in flight finishes on the cluster it started with after the table drops it', async () => {
  const slow = await delayed('slow', 300);
  const other = await delayed('other', 0);
  const g = await startGateway([mapping('m', '/m/', slow.address)]);
  cleanups.push(() => g.close());
  const inFlight = request(g.base, '/m/old');
  await sleep(50);
  g.setMappings([mapping('m', '/m/', other.address)]);
  const fresh = await request(g.base, '/m/new');
  assert.equal(JSON.parse(fresh.body).upstream, 'other');
  const old = await inFlight;
  assert.equal(old.status, 200);
  assert.equal(JSON.parse(old.body).upstream, 'slow');
});

test('an unchanged cluster keeps its keep-alive connection across a swap', async () => {
  const u = await startUpstream('ka');
  cleanups.push(() => u.close());
  const g = await startGateway([mapping('m', '/m/', u.address)]);
  cleanups.push(() => g.close());
  await request(g.base, '/m/1');
  g.setMappings([mapping('m', '/m/', u.address), mapping('n', '/n/', u.address, { rewrite: '/other/' })]);
  await request(g.base, '/m/2');
  assert.equal(u.seen.length, 2);
  assert.equal(u.seen[1]!.remotePort, u.seen[0]!.remotePort, 'same upstream connection');
});

test('close() lets an in-flight request finish', async () => {
  const slow = await delayed('slow2', 200);
  const g = await startGateway([mapping('m', '/m/', slow.address)]);
  const pending = request(g.base, '/m/x');
  await sleep(50);
  await g.close();
  const r = await pending;
  assert.equal(r.status, 200);
});
