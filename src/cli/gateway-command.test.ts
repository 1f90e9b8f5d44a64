import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { metricSum } from '../../test/fixtures/prometheus-text.js';
import { type GatewayCommandOptions, loadTable, runGateway } from './gateway-command.js';

let dir: string;
let up: Server;
let upPort: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sdep-gwcmd-'));
  up = createServer((req, res) => {
    req.resume();
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  upPort = (up.address() as AddressInfo).port;
});
after(() => {
  up.closeAllConnections();
  up.close();
  rmSync(dir, { recursive: true, force: true });
});

/** runGateway's options for `mappings` on ephemeral local ports, with `extra` on top. */
function options(mappings: string[], extra: Partial<GatewayCommandOptions> = {}): GatewayCommandOptions {
  return {
    mappings,
    ambassadorId: 'default',
    port: 0,
    adminPort: 0,
    host: '127.0.0.1',
    watch: false,
    ...extra,
  };
}

function mapping(name: string, prefix: string, extra = ''): string {
  return `---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: ${name}}
spec:
  prefix: ${prefix}
  service: 127.0.0.1:${upPort}
${extra}`;
}

describe('loadTable', () => {
  test('builds the table for the given ambassador_id and keeps loader findings apart', async () => {
    const f = join(dir, 'a.yaml');
    writeFileSync(
      f,
      mapping('a', '/a/') +
        mapping('b', '/b/', '  ambassador_id: [other]\n') +
        mapping('c', '/c/', '  weight: 150\n'),
    );
    const got = await loadTable([f], 'default');
    assert.equal(got.blocking, undefined);
    assert.deepEqual(
      got.table.routes.map((r) => r.id),
      ['a.default'],
    );
    assert.ok(
      got.diagnostics.some((d) => d.severity === 'error'),
      'the bad weight is reported by the loader',
    );
    const other = await loadTable([f], 'other');
    assert.deepEqual(
      other.table.routes.map((r) => r.id),
      ['b.default'],
    );
  });

  test('unreadable paths and unparsable files block a swap', async () => {
    const missing = await loadTable([join(dir, 'nope.yaml')], 'default');
    assert.match(missing.blocking ?? '', /cannot read/);
    assert.equal(missing.diagnostics[0]?.code, 'SDEP_FILE_UNREADABLE');
    const f = join(dir, 'broken.yaml');
    writeFileSync(f, `${mapping('x', '/x/')}\n  broken: [unclosed\n`);
    const broken = await loadTable([f], 'default');
    assert.equal(broken.blocking, 'a file does not parse');
  });
});

describe('runGateway in process', () => {
  test('refuses to start on an unreadable path', async () => {
    const lines: string[] = [];
    await assert.rejects(
      runGateway(
        options([join(dir, 'missing')]),
        (l) => lines.push(l),
        (l) => lines.push(l),
      ),
      /cannot read/,
    );
  });

  test('serves TLS with a self-signed certificate', async () => {
    const f = join(dir, 'tls.yaml');
    writeFileSync(f, mapping('t', '/t/'));
    const out: string[] = [];
    const g = await runGateway(
      options([f], { tls: 'self-signed' }),
      (l) => out.push(l),
      () => {},
    );
    try {
      assert.ok(out.some((l) => l.startsWith('gateway listening on https://127.0.0.1:')));
      const body = await new Promise<string>((resolve, reject) => {
        const r = httpsRequest(
          { host: '127.0.0.1', port: g.address.port, path: '/t/x', rejectUnauthorized: false },
          (res) => {
            let b = '';
            res.setEncoding('utf8').on('data', (c: string) => {
              b += c;
            });
            res.on('end', () => resolve(`${res.statusCode} ${b}`));
          },
        );
        r.on('error', reject);
        r.end();
      });
      assert.equal(body, '200 hello /x');
    } finally {
      await g.close();
    }
  });

  test('--shadow-pipelining: every uncompared copy reaches the shadow once, pipelined or not', async () => {
    const seen: string[] = [];
    const shadow = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      res.end('shadow');
    });
    await new Promise<void>((r) => shadow.listen(0, '127.0.0.1', r));
    const shadowPort = (shadow.address() as AddressInfo).port;
    const f = join(dir, 'pipelined.yaml');
    writeFileSync(
      f,
      mapping('main', '/q/') +
        `---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: copy}
spec:
  prefix: /q/
  service: 127.0.0.1:${shadowPort}
  shadow: true
`,
    );
    try {
      for (const depth of [16, 1]) {
        seen.length = 0;
        const g = await runGateway(
          options([f], { shadowCompareRate: 0, shadowPipelining: depth }),
          () => {},
          () => {},
        );
        try {
          const paths = Array.from({ length: 12 }, (_, i) => `/q/${depth}/${i}`);
          const bodies = await Promise.all(
            paths.map(async (p) => (await fetch(`http://127.0.0.1:${g.address.port}${p}`)).text()),
          );
          assert.deepEqual(
            bodies,
            paths.map((p) => `hello /${p.slice(3)}`),
          );
          for (let tries = 0; tries < 40 && seen.length < paths.length; tries++)
            await new Promise((r) => setTimeout(r, 25));
          assert.deepEqual(seen.toSorted(), paths.map((p) => `/${p.slice(3)}`).toSorted(), `depth ${depth}`);
        } finally {
          await g.close();
        }
      }
    } finally {
      shadow.closeAllConnections();
      shadow.close();
    }
  });

  test('--shadow-compare-rate bounds the comparisons a second; 0 compares none', async () => {
    const f = join(dir, 'shadow.yaml');
    writeFileSync(f, mapping('main', '/s/') + mapping('copy', '/s/', '  shadow: true\n'));
    const compared = async (rate: number): Promise<number> => {
      const g = await runGateway(
        options([f], { shadowCompareRate: rate }),
        () => {},
        () => {},
      );
      try {
        for (let i = 0; i < 5; i++) {
          const r = await fetch(`http://127.0.0.1:${g.address.port}/s/${i}`);
          assert.equal(await r.text(), `hello /${i}`);
        }
        // Each comparison is recorded once both responses are in: wait until the count settles.
        let count = -1;
        for (let tries = 0; tries < 20; tries++) {
          await new Promise((r) => setTimeout(r, 50));
          const now = await metricSum(
            `http://127.0.0.1:${g.adminAddress.port}/metrics`,
            'sdep_gateway_shadow_comparisons_total',
          );
          if (now === count && tries >= 4) break;
          count = now;
        }
        return count;
      } finally {
        await g.close();
      }
    };
    // A burst of as many tokens as the rate: 1 of the 5 requests, then none until a second has passed.
    assert.equal(await compared(1), 1);
    assert.equal(await compared(0), 0);
    assert.equal(await compared(200), 5);
  });
});
