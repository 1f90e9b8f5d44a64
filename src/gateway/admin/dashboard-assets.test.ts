import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRegistry } from '../../metrics/index.js';
import { createAdminServer } from './admin-server.js';
import { dashboardHandler } from './dashboard-assets.js';

let dir = '';
let server: Server;
let base = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-dash-'));
  server = createAdminServer({
    getTable: () => undefined,
    registry: createRegistry({ defaultMetrics: false }),
    fallback: dashboardHandler({ dir }),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

test('not built: / answers 503 with how to build it and links to what works; diag still works', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 503);
  const text = await res.text();
  assert.match(text, /dashboard is not built/);
  assert.match(text, /npm run build/);
  assert.match(text, /sdep\/v1\/status/);
  assert.equal((await fetch(`${base}/ambassador/v0/check_alive`)).status, 200, 'built-in paths come first');
});

test('built: index.html at /, hashed assets cached for good, unknown paths 404, no way out of the dir', async () => {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'index.html'), '<!doctype html><script src="./assets/index-abc.js"></script>');
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200, 'a build made after start-up is picked up');
  assert.match(index.headers.get('content-type') ?? '', /text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(await index.text(), /index-abc\.js/);
  const js = await fetch(`${base}/assets/index-abc.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  assert.equal((await fetch(`${base}/assets/nope.js`)).status, 404);
  assert.equal((await fetch(`${base}/../../etc/passwd`)).status, 404);
  assert.equal((await fetch(`${base}/assets/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
  assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${base}/nothing`, { method: 'POST' })).status, 404);
  const head = await fetch(`${base}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});
