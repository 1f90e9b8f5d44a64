import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Mapping } from '../ambassador/mapping.js';
import { buildRouteTable } from './build-route-table.js';
import { type MatchRequest, matchRoute, shouldMirror } from './match-route.js';
import { normalizeWeights } from './normalize-weights.js';
import type { RouteTable } from './route-table.js';

const opts = { ambassadorId: 'default' };

function req(path: string, extra: Partial<MatchRequest> & { h?: Record<string, string> } = {}): MatchRequest {
  const h = extra.h ?? {};
  return {
    method: extra.method ?? 'GET',
    path,
    authority: extra.authority ?? '127.0.0.1:8003',
    headers: (name) => h[name],
    query: extra.query ?? '',
  };
}

function hitName(table: RouteTable, r: MatchRequest, draw = 0): string | undefined {
  return matchRoute(table, r, draw)?.target.mapping;
}

describe('ambassador_id', () => {
  const mappings: Mapping[] = [
    { name: 'plain', prefix: '/a/', service: 'a:1' },
    { name: 'mine', prefix: '/b/', service: 'b:1', ambassador_id: ['my_instance'] },
    { name: 'both', prefix: '/c/', service: 'c:1', ambassador_id: ['default', 'my_instance'] },
  ];
  test('a Mapping without ambassador_id belongs to default only', () => {
    const t = buildRouteTable(mappings, opts);
    assert.deepEqual(t.routes.map((r) => r.id).sort(), ['both', 'plain']);
  });
  test('an instance loads only Mappings listing its id', () => {
    const t = buildRouteTable(mappings, { ambassadorId: 'my_instance' });
    assert.deepEqual(t.routes.map((r) => r.id).sort(), ['both', 'mine']);
    assert.equal(t.ambassadorId, 'my_instance');
  });
  test('a string ambassador_id is accepted as a one-element list', () => {
    const m = { name: 's', prefix: '/s/', service: 's:1', ambassador_id: 'x' } as unknown as Mapping;
    assert.equal(buildRouteTable([m], { ambassadorId: 'x' }).routes.length, 1);
    assert.equal(buildRouteTable([m], opts).routes.length, 0);
  });
});

describe('grouping and order', () => {
  test('a header group and a no-header group with the same prefix are two groups; the header group wins', () => {
    const t = buildRouteTable(
      [
        { name: 'example', prefix: '/seldon/example/', service: 'main:1' },
        {
          name: 'example-header',
          prefix: '/seldon/example/',
          service: 'london:1',
          headers: { location: 'london' },
        },
      ],
      opts,
    );
    assert.deepEqual(
      t.routes.map((r) => r.id),
      ['example-header', 'example'],
    );
    assert.equal(hitName(t, req('/seldon/example/api', { h: { location: 'london' } })), 'example-header');
    assert.equal(hitName(t, req('/seldon/example/api', { h: { location: 'paris' } })), 'example');
    assert.equal(hitName(t, req('/seldon/example/api')), 'example');
  });

  test('Mappings with the same match form one group sharing traffic', () => {
    const t = buildRouteTable(
      [
        { name: 'main', prefix: '/p/', service: 'main:1' },
        { name: 'canary', prefix: '/p/', service: 'canary:1', weight: 25 },
      ],
      opts,
    );
    assert.equal(t.routes.length, 1);
    assert.deepEqual(
      t.routes[0]!.targets.map((x) => [x.mapping, x.cumulative]),
      [
        ['canary', 25],
        ['main', 100],
      ],
    );
    assert.equal(hitName(t, req('/p/x'), 24.9), 'canary');
    assert.equal(hitName(t, req('/p/x'), 25), 'main');
    assert.equal(hitName(t, req('/p/x'), 99.99), 'main');
  });

  test('different method, host, query or precedence make different groups', () => {
    const base = { prefix: '/p/', service: 'x:1' };
    const t = buildRouteTable(
      [
        { name: 'a', ...base },
        { name: 'b', ...base, method: 'POST' },
        { name: 'c', ...base, host: 'h.example.com' },
        { name: 'd', ...base, query_parameters: { v: '2' } },
        { name: 'e', ...base, precedence: 3 },
      ],
      opts,
    );
    assert.equal(t.routes.length, 5);
    assert.equal(t.routes[0]!.id, 'e');
    assert.equal(t.routes[t.routes.length - 1]!.id, 'a');
  });

  test('precedence beats everything else', () => {
    const t = buildRouteTable(
      [
        { name: 'specific', prefix: '/seldon/ns/m/', service: 'x:1', headers: { a: 'b' } },
        { name: 'catchall', prefix: '/', service: 'y:1', precedence: 10 },
      ],
      opts,
    );
    assert.equal(hitName(t, req('/seldon/ns/m/x', { h: { a: 'b' } })), 'catchall');
  });

  test('prefix is a raw string prefix; prefix_regex is a full match', () => {
    const t = buildRouteTable(
      [
        { name: 'm', prefix: '/seldon/ns/m', service: 'x:1' },
        {
          name: 'grpc',
          prefix: '/(seldon.protos.*|inference.*)/.*',
          prefix_regex: true,
          service: 'g:1',
          grpc: true,
        },
      ],
      opts,
    );
    assert.equal(hitName(t, req('/seldon/ns/model2/api')), 'm');
    assert.equal(hitName(t, req('/seldon.protos.Seldon/Predict')), 'grpc');
    assert.equal(hitName(t, req('/x/seldon.protos.Seldon/Predict')), undefined);
    assert.equal(hitName(t, req('/Seldon/ns/m')), undefined);
  });

  test('method, host wildcards, presence, regex headers and query parameters match', () => {
    const t = buildRouteTable(
      [
        { name: 'post', prefix: '/m/', service: 'x:1', method: 'POST' },
        { name: 'wild', prefix: '/h/', service: 'x:1', hostname: '*.example.com' },
        { name: 'exact-host', prefix: '/e/', service: 'x:1', host: 'api.example.com' },
        { name: 'present', prefix: '/pr/', service: 'x:1', headers: { 'X-Debug': true } },
        { name: 'rx', prefix: '/rx/', service: 'x:1', regex_headers: { 'x-v': 'v[0-9]+' } },
        { name: 'q', prefix: '/q/', service: 'x:1', query_parameters: { mode: 'fast' } },
        { name: 'qp', prefix: '/qp/', service: 'x:1', query_parameters: { flag: true } },
        { name: 'qr', prefix: '/qr/', service: 'x:1', regex_query_parameters: { n: '\\d+' } },
      ],
      opts,
    );
    assert.deepEqual(t.diagnostics, []);
    assert.equal(hitName(t, req('/m/', { method: 'POST' })), 'post');
    assert.equal(hitName(t, req('/m/')), undefined);
    assert.equal(hitName(t, req('/h/', { authority: 'a.example.com:8003' })), 'wild');
    assert.equal(hitName(t, req('/h/', { authority: 'example.org' })), undefined);
    assert.equal(hitName(t, req('/e/', { authority: 'API.example.com' })), 'exact-host');
    assert.equal(hitName(t, req('/e/', { authority: 'api.example.com:80' })), 'exact-host');
    assert.equal(hitName(t, req('/e/', { authority: 'api.example.co' })), undefined);
    assert.equal(hitName(t, req('/pr/', { h: { 'x-debug': '' } })), 'present');
    assert.equal(hitName(t, req('/pr/')), undefined);
    assert.equal(hitName(t, req('/rx/', { h: { 'x-v': 'v12' } })), 'rx');
    assert.equal(
      hitName(t, req('/rx/', { h: { 'x-v': 'v12x' } })),
      undefined,
      'regex must match the whole value',
    );
    assert.equal(hitName(t, req('/q/', { query: 'a=1&mode=fast' })), 'q');
    assert.equal(hitName(t, req('/q/', { query: 'mode=slow' })), undefined);
    assert.equal(hitName(t, req('/qp/', { query: 'flag' })), 'qp');
    assert.equal(hitName(t, req('/qp/', { query: '' })), undefined);
    assert.equal(hitName(t, req('/qr/', { query: 'n=42' })), 'qr');
    assert.equal(hitName(t, req('/qr/', { query: 'n=4x' })), undefined);
  });
});

describe('weights and fall-through', () => {
  test('an unrouted share falls through to the next matching route, else no route', () => {
    const t = buildRouteTable(
      [
        { name: 'a', prefix: '/p/x/', service: 'a:1', weight: 30 },
        { name: 'b', prefix: '/p/x/', service: 'b:1', weight: 30 },
        { name: 'fallback', prefix: '/p/', service: 'f:1' },
      ],
      opts,
    );
    const warn = t.diagnostics.find((d) => d.code === 'SDEP_ROUTE_UNROUTED');
    assert.equal(warn?.severity, 'warning');
    assert.equal(t.routes[0]!.unroutedPercent, 40);
    assert.equal(hitName(t, req('/p/x/1'), 10), 'a');
    assert.equal(hitName(t, req('/p/x/1'), 45), 'b');
    assert.equal(hitName(t, req('/p/x/1'), 60), 'fallback');
    const alone = buildRouteTable(
      [t.routes[0]!.targets[0]!, t.routes[0]!.targets[1]!].map((x, i) => ({
        name: x.mapping,
        prefix: '/p/x/',
        service: `${i}:1`,
        weight: 30,
      })),
      opts,
    );
    assert.equal(hitName(alone, req('/p/x/1'), 60), undefined);
  });

  test('a weight over 100 leaves that Mapping out with an error', () => {
    const t = buildRouteTable(
      [
        { name: 'a', prefix: '/p/', service: 'a:1', weight: 150 },
        { name: 'b', prefix: '/p/', service: 'b:1' },
      ],
      opts,
    );
    const d = t.diagnostics.find((x) => x.code === 'SDEP_ROUTE_WEIGHT_INVALID');
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(d.path, 'weight');
    assert.match(d.resource, /Mapping a/);
    assert.deepEqual(
      t.routes[0]!.targets.map((x) => [x.mapping, x.cumulative]),
      [['b', 100]],
    );
  });

  test('weights totalling over 100 leave the group out; other groups still route', () => {
    const t = buildRouteTable(
      [
        { name: 'a', prefix: '/p/', service: 'a:1', weight: 60 },
        { name: 'b', prefix: '/p/', service: 'b:1', weight: 50 },
        { name: 'other', prefix: '/o/', service: 'o:1' },
      ],
      opts,
    );
    assert.deepEqual(
      t.routes.map((r) => r.id),
      ['other'],
    );
    assert.equal(t.diagnostics.filter((x) => x.code === 'SDEP_ROUTE_WEIGHT_SUM').length, 2);
  });

  test('property: cumulative shares are non-decreasing and end at 100, or report the unrouted rest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 12,
        }),
        (weights) => {
          const items = weights.map((weight, i) => ({ name: `m${String(i).padStart(2, '0')}`, weight }));
          const got = normalizeWeights(items);
          const explicit = weights.reduce<number>((s, w) => s + (w ?? 0), 0);
          if (explicit > 100) {
            assert.equal(got.ok, false);
            return;
          }
          assert.ok(got.ok);
          assert.equal(got.cumulative.length, weights.length);
          for (let i = 1; i < got.cumulative.length; i++) {
            assert.ok(got.cumulative[i]! >= got.cumulative[i - 1]!, `non-decreasing: ${got.cumulative}`);
          }
          const last = got.cumulative[got.cumulative.length - 1]!;
          assert.ok(last <= 100 && last >= 0);
          assert.equal(last + got.unroutedPercent, 100);
          if (weights.includes(undefined) || weights.length === 1) assert.equal(got.unroutedPercent, 0);
          else assert.equal(got.unroutedPercent, 100 - explicit);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('shadow', () => {
  const main: Mapping = { name: 'main', prefix: '/s/', service: 'main:1' };
  test('a shadow mirrors its weight as a percentage, default 100, and takes no traffic', () => {
    const t = buildRouteTable(
      [main, { name: 'sh', prefix: '/s/', service: 'sh:1', shadow: true, weight: 10 }],
      opts,
    );
    const r = t.routes[0]!;
    assert.deepEqual(
      r.targets.map((x) => x.mapping),
      ['main'],
    );
    assert.equal(r.mirror?.percent, 10);
    assert.equal(r.mirror?.mapping, 'sh');
    assert.equal(shouldMirror(r, 9.99), true);
    assert.equal(shouldMirror(r, 10), false);
    const full = buildRouteTable([main, { name: 'sh', prefix: '/s/', service: 'sh:1', shadow: true }], opts);
    assert.equal(full.routes[0]!.mirror?.percent, 100);
    assert.equal(shouldMirror(full.routes[0]!, 99.9), true);
    assert.equal(shouldMirror(buildRouteTable([main], opts).routes[0]!, 0), false);
  });
  test('a shadow matching no group is a warning and mirrors nothing', () => {
    const t = buildRouteTable(
      [main, { name: 'lost', prefix: '/other/', service: 'sh:1', shadow: true }],
      opts,
    );
    assert.equal(t.routes.length, 1);
    assert.equal(t.routes[0]!.mirror, undefined);
    const d = t.diagnostics.find((x) => x.code === 'SDEP_ROUTE_SHADOW_ORPHAN');
    assert.equal(d?.severity, 'warning');
  });
  test('a second shadow in a group is an error and left out', () => {
    const t = buildRouteTable(
      [
        main,
        { name: 's1', prefix: '/s/', service: 'a:1', shadow: true },
        { name: 's2', prefix: '/s/', service: 'b:1', shadow: true },
      ],
      opts,
    );
    assert.equal(t.routes[0]!.mirror?.mapping, 's1');
    assert.equal(t.diagnostics.find((x) => x.code === 'SDEP_ROUTE_SHADOW_EXTRA')?.resource, 'Mapping s2');
  });
});

describe('diagnostics for bad Mappings', () => {
  test('an invalid regex is a diagnostic, not a throw, and only that Mapping is left out', () => {
    const t = buildRouteTable(
      [
        { name: 'bad', prefix: '/(unclosed', prefix_regex: true, service: 'x:1' },
        { name: 'badh', prefix: '/h/', regex_headers: { 'x-a': '[' }, service: 'x:1' },
        { name: 'good', prefix: '/g/', service: 'x:1' },
      ],
      opts,
    );
    assert.deepEqual(
      t.routes.map((r) => r.id),
      ['good'],
    );
    const codes = t.diagnostics.map((d) => [d.code, d.path, d.severity]);
    assert.deepEqual(codes, [
      ['SDEP_ROUTE_REGEX_INVALID', 'prefix', 'error'],
      ['SDEP_ROUTE_REGEX_INVALID', 'regex_headers.x-a', 'error'],
    ]);
  });
  test('a Mapping differing in circuit_breakers from its group is dropped with an error', () => {
    const t = buildRouteTable(
      [
        { name: 'a', prefix: '/p/', service: 'a:1', circuit_breakers: [{ max_requests: 5 }] },
        { name: 'b', prefix: '/p/', service: 'b:1', weight: 10 },
      ],
      opts,
    );
    assert.deepEqual(
      t.routes[0]!.targets.map((x) => x.mapping),
      ['a'],
    );
    assert.equal(t.diagnostics[0]?.code, 'SDEP_ROUTE_GROUP_MISMATCH');
    assert.match(t.diagnostics[0]!.resource, /Mapping b/);
  });
  test('duplicate names: the later Mapping is left out', () => {
    const t = buildRouteTable(
      [
        { name: 'a', prefix: '/p/', service: 'a:1' },
        { name: 'a', prefix: '/q/', service: 'b:1' },
      ],
      opts,
    );
    assert.equal(t.routes.length, 1);
    assert.equal(t.diagnostics[0]?.code, 'SDEP_ROUTE_DUPLICATE_MAPPING');
  });
  test('the origin of a generated Mapping is named in the diagnostic', () => {
    const t = buildRouteTable(
      [
        {
          name: 'x',
          prefix: '/p/',
          service: 'a:1',
          weight: 101,
          origin: { source: { file: 'd.yaml', index: 0 }, resource: 'SeldonDeployment default/x' },
        },
      ],
      opts,
    );
    assert.equal(t.diagnostics[0]?.resource, 'Mapping x (from d.yaml#0 SeldonDeployment default/x)');
  });
});

describe('group settings, targets and clusters', () => {
  test('retry_policy comes from the last Mapping in name order; timeout, rewrite and host_rewrite stay per Mapping', () => {
    const t = buildRouteTable(
      [
        {
          name: 'b',
          prefix: '/p/',
          service: 'b:1',
          retry_policy: { retry_on: '5xx', num_retries: 4 },
          timeout_ms: 9000,
          host_rewrite: 'b.internal',
        },
        {
          name: 'a',
          prefix: '/p/',
          service: 'a:1',
          weight: 50,
          retry_policy: { retry_on: 'gateway-error', per_try_timeout: '250ms' },
          rewrite: '',
        },
      ],
      opts,
    );
    const r = t.routes[0]!;
    assert.deepEqual(r.retry, { retryOn: '5xx', numRetries: 4 });
    const a = r.targets.find((x) => x.mapping === 'a')!;
    const b = r.targets.find((x) => x.mapping === 'b')!;
    assert.equal(a.rewrite, null);
    assert.equal(a.timeoutMs, 3000);
    assert.equal(b.rewrite, '/');
    assert.equal(b.timeoutMs, 9000);
    assert.equal(b.hostRewrite, 'b.internal');
    assert.equal(a.hostRewrite, undefined);
  });

  test('clusters are shared by service + settings; breakers default to Envoy 1024/1024/1024/3', () => {
    const t = buildRouteTable(
      [
        { name: 'r1', prefix: '/a/', service: 'm-default.ns:8000' },
        { name: 'r2', prefix: '/b/', service: 'm-default.ns:8000' },
        {
          name: 'r3',
          prefix: '/c/',
          service: 'm-default.ns:8000',
          circuit_breakers: [{ max_connections: 200, max_pending_requests: 100 }],
        },
        { name: 'g', prefix: '/d/', service: 'm-default.ns:5001', grpc: true },
      ],
      opts,
    );
    const byRoute = Object.fromEntries(t.routes.map((r) => [r.id, r.targets[0]!.cluster]));
    assert.equal(byRoute.r1, byRoute.r2);
    assert.notEqual(byRoute.r1, byRoute.r3);
    assert.equal(byRoute.r1, 'cluster_m_default_ns_8000');
    assert.match(byRoute.r3!, /^cluster_m_default_ns_8000_[0-9a-f]{8}$/);
    assert.equal(t.clusters.size, 3);
    const plain = t.clusters.get(byRoute.r1!)!;
    assert.deepEqual(plain.circuitBreaker, {
      maxConnections: 1024,
      maxPendingRequests: 1024,
      maxRequests: 1024,
      maxRetries: 3,
    });
    assert.equal(plain.connectTimeoutMs, 3000);
    assert.equal(plain.loadBalancer, 'round_robin');
    assert.equal(plain.http2, false);
    assert.deepEqual(t.clusters.get(byRoute.r3!)!.circuitBreaker, {
      maxConnections: 200,
      maxPendingRequests: 100,
      maxRequests: 1024,
      maxRetries: 3,
    });
    assert.equal(t.clusters.get(byRoute.g!)!.http2, true);
    assert.equal(t.routes.find((r) => r.id === 'g')!.grpc, true);
  });

  test('building twice gives the same table (deterministic)', () => {
    const ms: Mapping[] = [
      { name: 'a', prefix: '/p/', service: 'a:1', weight: 20 },
      { name: 'b', prefix: '/p/', service: 'b:1' },
      { name: 's', prefix: '/p/', service: 's:1', shadow: true, weight: 50 },
    ];
    const strip = (t: RouteTable) => JSON.stringify({ r: t.routes, c: [...t.clusters], d: t.diagnostics });
    assert.equal(strip(buildRouteTable(ms, opts)), strip(buildRouteTable([...ms].reverse(), opts)));
  });
});
