import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Mapping } from '../../ambassador/mapping.js';
import { createGatewayMetrics, createRegistry } from '../../metrics/index.js';
import { buildRouteTable } from '../../routing/index.js';
import type { RouteTable } from '../../routing/route-table.js';
import { createAdminServer } from './admin-server.js';
import type { DiagDocument } from './diag-json.js';

const mappings: Mapping[] = [
  { name: 'main', prefix: '/seldon/ns/m/', service: 'm-main.ns:8000' },
  { name: 'canary', prefix: '/seldon/ns/m/', service: 'm-canary.ns:8000', weight: 10, rewrite: '/v2/' },
  { name: 'shadow', prefix: '/seldon/ns/m/', service: 'm-shadow.ns:8000', shadow: true, weight: 30 },
  {
    name: 'hdr',
    prefix: '/seldon/ns/m/',
    service: 'm-h.ns:8000',
    headers: { location: 'london' },
    host: '*.x.com',
  },
  { name: 'bad', prefix: '/p/', service: 'b:1', weight: 150 },
];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('admin server over a real socket', () => {
  let table: RouteTable | undefined;
  let server: Server;
  let base: string;
  before(async () => {
    const registry = createRegistry({ defaultMetrics: false });
    createGatewayMetrics(registry).requests.inc({ cluster: 'c', route: 'r', status_class: '2xx' });
    server = createAdminServer({
      getTable: () => table,
      registry,
      getDiagnostics: () => [
        { code: 'SDEP_X', severity: 'warning', resource: 'a.yaml#1', path: '', message: 'loader note' },
      ],
      getExtraStatus: () => ({ units: 2 }),
      extraRoutes: [
        {
          path: '/sdep/v1/status',
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"ok":true}');
          },
        },
      ],
    });
    base = await listen(server);
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('check_alive is always 200', async () => {
    const r = await fetch(`${base}/ambassador/v0/check_alive`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'Ambassador is alive and well');
  });

  test('check_ready is 503 until a table is loaded, then 200', async () => {
    table = undefined;
    let r = await fetch(`${base}/ambassador/v0/check_ready`);
    assert.equal(r.status, 503);
    assert.equal(await r.text(), 'Ambassador is not ready');
    table = buildRouteTable(mappings, { ambassadorId: 'default' });
    r = await fetch(`${base}/ambassador/v0/check_ready`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'Ambassador is ready and waiting');
  });

  test('diag JSON lists routes in evaluation order with clusters, errors and notices', async () => {
    table = buildRouteTable(mappings, { ambassadorId: 'default' });
    const r = await fetch(`${base}/ambassador/v0/diag/?json=true`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    const doc = (await r.json()) as DiagDocument & { status: unknown };
    assert.deepEqual(
      doc.route_info.map((x) => x.key),
      ['hdr', 'main'],
    );
    const hdr = doc.route_info[0]!;
    assert.deepEqual(hdr.headers, [{ name: 'location', value: 'london', regex: false }]);
    assert.equal(hdr.host, '*.x.com');
    const canary = doc.route_info[1]!;
    assert.equal(canary.prefix, '/seldon/ns/m/');
    assert.equal(canary.rewrite, '/v2/');
    assert.equal(canary.precedence, 0);
    assert.deepEqual(
      canary.clusters.map((c) => [c.name, c.service, c.weight, c.type_label]),
      [
        ['cluster_m_canary_ns_8000', 'm-canary.ns:8000', 10, 'http'],
        ['cluster_m_main_ns_8000', 'm-main.ns:8000', 90, 'http'],
        ['cluster_m_shadow_ns_8000', 'm-shadow.ns:8000', 30, 'shadow'],
      ],
    );
    assert.equal(doc.errors.length, 1);
    assert.equal(doc.errors[0]![0], 'Mapping bad');
    assert.match(doc.errors[0]![1], /invalid weight 150.*SDEP_ROUTE_WEIGHT_INVALID/);
    assert.deepEqual(doc.notices, [{ level: 'WARNING', message: 'a.yaml#1: loader note [SDEP_X]' }]);
    assert.deepEqual(doc.status, { units: 2 });
    assert.equal(doc.cluster_info.cluster_m_main_ns_8000?.circuit_breakers.max_retries, 3);
  });

  test('diag without json is an HTML page naming the routes', async () => {
    table = buildRouteTable(mappings, { ambassadorId: 'default' });
    const r = await fetch(`${base}/ambassador/v0/diag/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    const html = await r.text();
    assert.ok(html.includes('/seldon/ns/m/'));
    assert.ok(html.includes('m-canary.ns:8000'));
  });

  test('/metrics serves Prometheus text from the registry', async () => {
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await r.text(), /sdep_gateway_requests_total\{cluster="c",route="r",status_class="2xx"\} 1/);
  });

  test('extra routes are served; unknown paths and methods are 404', async () => {
    const s = await fetch(`${base}/sdep/v1/status`);
    assert.equal(s.status, 200);
    assert.deepEqual(await s.json(), { ok: true });
    const r = await fetch(`${base}/nope`);
    assert.equal(r.status, 404);
    await r.text();
    const p = await fetch(`${base}/ambassador/v0/check_alive`, { method: 'POST' });
    assert.equal(p.status, 404);
    await p.text();
  });
});
