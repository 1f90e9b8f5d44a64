/**
 * Security defaults of `sdep gateway` (the same flags as `sdep serve`): both
 * ports bind 127.0.0.1 unless told; --host moves only the gateway, never the
 * admin port; a token protects the admin port. 127.0.0.2 stands in for "some
 * other address" so the test stays on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningGateway, runGateway } from '../../src/cli/gateway-command.js';

let dir = '';
const running: RunningGateway[] = [];
const quiet = () => {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-secdef-'));
  await writeFile(
    join(dir, 'm.yaml'),
    'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: m}\nspec: {prefix: /m/, service: 127.0.0.1:9}\n',
  );
});
after(async () => {
  for (const r of running) await r.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(extra: Partial<Parameters<typeof runGateway>[0]>): Promise<RunningGateway> {
  const r = await runGateway(
    {
      mappings: [dir],
      ambassadorId: 'default',
      port: 0,
      adminPort: 0,
      host: '127.0.0.1',
      watch: false,
      ...extra,
    },
    quiet,
    quiet,
  );
  running.push(r);
  return r;
}

test('by default gateway and admin bind 127.0.0.1', async () => {
  const r = await start({});
  assert.equal(r.address.address, '127.0.0.1');
  assert.equal(r.adminAddress.address, '127.0.0.1');
});

test('--host moves the gateway only; the admin port stays on 127.0.0.1', async () => {
  const r = await start({ host: '127.0.0.2' });
  assert.equal(r.address.address, '127.0.0.2');
  assert.equal(r.adminAddress.address, '127.0.0.1');
  const s = await start({ host: '127.0.0.2', adminHost: '127.0.0.3' });
  assert.equal(s.adminAddress.address, '127.0.0.3');
});

test('with a token the admin port answers 401 without it, and checks stay open', async () => {
  const token = 'reliability-token-0123456789';
  const r = await start({ adminToken: token });
  const admin = `http://127.0.0.1:${r.adminAddress.port}`;
  assert.equal((await fetch(`${admin}/ambassador/v0/check_ready`)).status, 200);
  assert.equal((await fetch(`${admin}/metrics`)).status, 401);
  assert.equal((await fetch(`${admin}/ambassador/v0/diag/?json=true`)).status, 401);
  const ok = await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  // the gateway port is not the admin port: admin paths there are just unrouted
  const gw = await fetch(`http://127.0.0.1:${r.address.port}/ambassador/v0/diag/`);
  assert.equal(gw.status, 404);
});
