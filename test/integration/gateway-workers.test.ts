/**
 * `sdep gateway --workers 2`: two node:cluster workers share the data-plane
 * and admin ports; the primary announces once; requests over fresh
 * connections are served; SIGTERM stops the primary and its workers.
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

describe('sdep gateway --workers (real processes)', () => {
  let up: Server;
  let dir: string;
  let child: ChildProcess;
  let out = '';

  before(async () => {
    up = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ url: req.url })));
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'sdep-gw-workers-'));
    writeFileSync(
      join(dir, 'm.yaml'),
      `apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: main}
spec:
  prefix: /m/
  service: 127.0.0.1:${(up.address() as AddressInfo).port}
`,
    );
    const cmd = selfCommand([
      'gateway',
      '--mappings',
      dir,
      '--port',
      '0',
      '--admin-port',
      '0',
      '--workers',
      '2',
    ]);
    child = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const end = Date.now() + 90_000;
    while (!/gateway workers: 2/.test(out)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`no announcement: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    up.closeAllConnections();
    up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('announces once, serves through both ports, stops on SIGTERM', async () => {
    assert.equal(out.match(/gateway listening on /g)?.length, 1, out);
    const gw = /gateway listening on (http:\/\/[\d.:]+)/.exec(out)![1]!;
    const admin = /admin listening on (http:\/\/[\d.:]+)/.exec(out)![1]!;
    assert.notEqual(gw, admin);
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${gw}/m/x`, { headers: { connection: 'close' } });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { url: '/x' });
    }
    const ready = await fetch(`${admin}/ambassador/v0/check_ready`, { headers: { connection: 'close' } });
    assert.equal(ready.status, 200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
