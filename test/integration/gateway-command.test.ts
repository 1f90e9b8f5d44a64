/**
 * `sdep gateway` as a user runs it: a real process on ports 0, a real
 * upstream, a Mapping file in a temp dir; requests through it, the admin
 * port, a --watch reload, a bad edit that keeps the running table, SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selfCommand } from '../../src/cli/self-command.js';

function upstream(name: string): Promise<Server> {
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ up: name, url: req.url }));
    });
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;

function mappingsYaml(main: number, other: number, extra = ''): string {
  return `apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: main}
spec:
  prefix: /seldon/ns/m/
  service: 127.0.0.1:${main}
---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: london}
spec:
  prefix: /seldon/ns/m/
  service: 127.0.0.1:${other}
  headers: {location: london}
  rewrite: /london/
---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: mine}
spec:
  prefix: /other-instance/
  service: 127.0.0.1:${other}
  ambassador_id: [someone_else]
${extra}`;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (let i = 0; i < 2000 && Date.now() < end; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { headers });
  return { status: r.status, body: await r.text() };
}

describe('sdep gateway (real process)', () => {
  let dir: string;
  let file: string;
  let main: Server;
  let other: Server;
  let child: ChildProcess;
  let out = '';
  let err = '';
  let gw = '';
  let admin = '';

  before(async () => {
    main = await upstream('main');
    other = await upstream('other');
    dir = mkdtempSync(join(tmpdir(), 'sdep-gw-'));
    file = join(dir, 'mappings.yaml');
    writeFileSync(file, mappingsYaml(portOf(main), portOf(other)));
    const cmd = selfCommand(['gateway', '--mappings', dir, '--port', '0', '--admin-port', '0', '--watch']);
    child = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    // Start-up compiles the CLI through tsx: slow on a loaded 2-core machine, so wait generously.
    gw = await waitFor(
      'gateway port',
      () => /gateway listening on (http:\/\/[\d.:]+)/.exec(out)?.[1],
      60_000,
    );
    admin = await waitFor('admin port', () => /admin listening on (http:\/\/[\d.:]+)/.exec(out)?.[1]);
  });

  after(() => {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    main.closeAllConnections();
    main.close();
    other.closeAllConnections();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints a route summary and routes by prefix, header and rewrite', async () => {
    assert.match(out, /ambassador_id default: 2 route\(s\), 2 cluster\(s\)/);
    const plain = await get(`${gw}/seldon/ns/m/api/v1.0/predictions?x=1`);
    assert.equal(plain.status, 200);
    assert.deepEqual(JSON.parse(plain.body), { up: 'main', url: '/api/v1.0/predictions?x=1' });
    const london = await get(`${gw}/seldon/ns/m/api`, { location: 'london' });
    assert.deepEqual(JSON.parse(london.body), { up: 'other', url: '/london/api' });
    const other = await get(`${gw}/other-instance/x`);
    assert.equal(other.status, 404, 'a Mapping for another ambassador_id is not loaded');
    assert.equal(other.body, '');
  });

  test('admin port: ready, diag JSON, metrics', async () => {
    const ready = await get(`${admin}/ambassador/v0/check_ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body, 'Ambassador is ready and waiting');
    const diag = JSON.parse((await get(`${admin}/ambassador/v0/diag/?json=true`)).body) as {
      route_info: { key: string; prefix: string }[];
    };
    assert.deepEqual(
      diag.route_info.map((r) => r.key),
      ['london.default', 'main.default'],
    );
    const metrics = await get(`${admin}/metrics`);
    assert.match(metrics.body, /sdep_gateway_requests_total\{[^}]*route="main.default"[^}]*\} \d+/);
    const traffic = await get(`${admin}/sdep/v1/metrics`);
    assert.equal(traffic.status, 200, 'the traffic JSON is served by `sdep gateway` too');
    assert.equal((JSON.parse(traffic.body) as { intervalMs: number }).intervalMs, 1000);
  });

  test('--watch: an edit is swapped in; an unparsable edit keeps the running table', async () => {
    const added = `---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: added}
spec:
  prefix: /added/
  service: 127.0.0.1:${portOf(other)}
`;
    writeFileSync(file, mappingsYaml(portOf(main), portOf(other), added));
    const body = await waitFor('reload', async () => {
      const r = await get(`${gw}/added/x`);
      return r.status === 200 ? r.body : undefined;
    });
    assert.deepEqual(JSON.parse(body), { up: 'other', url: '/x' });

    const errBefore = err.length;
    writeFileSync(file, `${mappingsYaml(portOf(main), portOf(other), added)}\n  broken: [unclosed\n`);
    await waitFor('reload refusal', () =>
      err.slice(errBefore).includes('keeping the running table') ? true : undefined,
    );
    assert.equal((await get(`${gw}/added/x`)).status, 200, 'the last good table still serves');
  });

  test('SIGTERM closes and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    assert.equal(code, 0, `stderr: ${err}`);
  });
});
