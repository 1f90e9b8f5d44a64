import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRegistry } from '../../metrics/index.js';
import { buildRouteTable } from '../../routing/index.js';
import { isLoopback, resolveAdminToken } from './admin-auth.js';
import { createAdminServer } from './admin-server.js';

const TOKEN = 'tok-0123456789abcdef';

describe('admin port with a bearer token', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createAdminServer({
      getTable: () => buildRouteTable([], { ambassadorId: 'default' }),
      registry: createRegistry({ defaultMetrics: false }),
      extraRoutes: [{ path: '/sdep/v1/status', handler: (_q, res) => void res.end('{"secret":true}') }],
      // stands in for the dashboard: any path nothing else serves
      fallback: (_q, res) => void res.end('dashboard'),
      token: TOKEN,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const get = (path: string, auth?: string, method = 'GET') =>
    fetch(`${base}${path}`, { method, headers: auth === undefined ? {} : { authorization: auth } });

  test('alive and ready checks need no token', async () => {
    assert.equal((await get('/ambassador/v0/check_alive')).status, 200);
    assert.equal((await get('/ambassador/v0/check_ready')).status, 200);
    assert.equal((await get('/ambassador/v0/check_ready?x=1')).status, 200);
  });

  test('every other path is 401 without the right token, whatever the method', async () => {
    const paths = [
      '/',
      '/index.html',
      '/metrics',
      '/ambassador/v0/diag/?json=true',
      '/sdep/v1/status',
      '/ambassador/v0/check_alive/../diag/',
      '/ambassador/v0/check_alive/%2e%2e/diag/',
      '//ambassador/v0/check_alive',
      '/ambassador/v0/CHECK_ALIVE',
    ];
    const creds = [
      undefined,
      '',
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN.slice(1)}`,
      TOKEN,
    ];
    for (const p of paths)
      for (const c of creds) {
        const r = await get(p, c);
        assert.equal(r.status, 401, `${p} with ${JSON.stringify(c)}`);
        assert.match(r.headers.get('www-authenticate') ?? '', /Basic realm=.*Bearer realm=/);
        assert.doesNotMatch(await r.text(), /secret|dashboard|route_info/);
      }
    for (const m of ['POST', 'PUT', 'DELETE', 'HEAD'])
      assert.equal((await get('/sdep/v1/status', undefined, m)).status, 401);
  });

  test('the right token opens every path', async () => {
    const auth = `Bearer ${TOKEN}`;
    assert.equal(await (await get('/sdep/v1/status', auth)).text(), '{"secret":true}');
    assert.equal(await (await get('/', auth)).text(), 'dashboard');
    assert.equal((await get('/metrics', auth)).status, 200);
    assert.equal((await get('/ambassador/v0/diag/?json=true', `bearer  ${TOKEN}`)).status, 200);
    // a browser's Basic login: any user, the token as password
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    assert.equal((await get('/', basic('admin', TOKEN))).status, 200);
    assert.equal((await get('/', basic('', TOKEN))).status, 200);
    assert.equal((await get('/', basic(TOKEN, 'x'))).status, 401, 'the token as user name is not enough');
    assert.equal((await get('/', basic('admin', `${TOKEN}x`))).status, 401);
    assert.equal((await get('/', `Basic ${Buffer.from(TOKEN).toString('base64')}`)).status, 401);
  });
});

describe('resolveAdminToken', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdep-token-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the file wins over the environment; content is trimmed', async () => {
    const f = join(dir, 't');
    await writeFile(f, `${TOKEN}\n`);
    assert.equal(await resolveAdminToken(f, { SDEP_ADMIN_TOKEN: 'other-token-0123456789' }), TOKEN);
    assert.equal(await resolveAdminToken(undefined, { SDEP_ADMIN_TOKEN: TOKEN }), TOKEN);
    assert.equal(await resolveAdminToken(undefined, {}), undefined);
  });

  test('short, spaced or unreadable tokens are refused with a clear error', async () => {
    await assert.rejects(resolveAdminToken(undefined, { SDEP_ADMIN_TOKEN: 'short' }), /shorter than 16/);
    await assert.rejects(
      resolveAdminToken(undefined, { SDEP_ADMIN_TOKEN: 'has a space in the middle' }),
      /printable ASCII/,
    );
    await assert.rejects(resolveAdminToken(join(dir, 'missing')), /cannot read/);
  });

  test('isLoopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1']) assert.ok(!isLoopback(h), h);
  });
});
