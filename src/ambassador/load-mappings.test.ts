import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMappings, parseMappingText } from './load-mappings.js';

test('flat annotation documents (ambassador/v1, getambassador.io/v2) load; ambassador_id string → list', () => {
  const r = parseMappingText(
    [
      'apiVersion: ambassador/v1',
      'kind: Mapping',
      'name: one',
      'prefix: /one/',
      'service: one.default:8000',
      'ambassador_id: my_instance',
      '---',
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'name: two',
      'namespace: other',
      'prefix: /two/',
      'service: two:80',
      'weight: 10',
      'headers: {x-canary: true, location: london}',
    ].join('\n'),
    'mappings.yaml',
  );
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.mappings.map((m) => [m.name, m.namespace, m.prefix, m.service, m.ambassador_id]),
    [
      ['one', 'default', '/one/', 'one.default:8000', ['my_instance']],
      ['two', 'other', '/two/', 'two:80', undefined],
    ],
  );
  assert.equal(r.mappings[1]?.weight, 10);
  assert.deepEqual(r.mappings[1]?.headers, { 'x-canary': true, location: 'london' });
  assert.deepEqual(r.mappings[0]?.origin?.source, { file: 'mappings.yaml', index: 0 });
  assert.equal(r.mappings[0]?.origin?.resource, 'Mapping default/one');
});

test('getambassador.io/v2 and v3alpha1 Mapping CRDs load; v3alpha1 hostname and v2BoolHeaders are read', () => {
  const r = parseMappingText(
    [
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'metadata: {name: crd-v2, namespace: seldon}',
      'spec: {prefix: /a/, service: a.seldon:8000, host: example.com, ambassador_id: [x, y]}',
      '---',
      'apiVersion: getambassador.io/v3alpha1',
      'kind: Mapping',
      'metadata: {name: crd-v3}',
      'spec:',
      '  hostname: "*"',
      '  prefix: /b/',
      '  service: b:80',
      '  headers: {x-canary: "true", location: london}',
      '  v2BoolHeaders: [x-canary]',
      '---',
      'apiVersion: getambassador.io/v2',
      'kind: TLSContext',
      'metadata: {name: ctx, namespace: seldon}',
      'spec: {hosts: [], secret: my-cert}',
    ].join('\n'),
    'crds.yaml',
  );
  assert.deepEqual(r.diagnostics, []);
  const [v2, v3] = r.mappings;
  assert.equal(v2?.name, 'crd-v2');
  assert.equal(v2?.namespace, 'seldon');
  assert.equal(v2?.host, 'example.com');
  assert.deepEqual(v2?.ambassador_id, ['x', 'y']);
  assert.equal(v3?.namespace, 'default');
  assert.equal(v3?.hostname, '*');
  assert.deepEqual(v3?.headers, { 'x-canary': true, location: 'london' });
  assert.deepEqual(
    r.tlsContexts.map((t) => [t.name, t.namespace, t.secret, t.hosts]),
    [['ctx', 'seldon', 'my-cert', []]],
  );
});

test('a Service carrying getambassador.io/config: its documents load in the Service namespace', () => {
  const annotation = [
    '---',
    'apiVersion: ambassador/v1',
    'kind: Mapping',
    'name: seldon_seldon_m_default_rest_mapping',
    'prefix: /seldon/seldon/m/',
    'service: m-default.seldon:8000',
    '---',
    '---',
    'apiVersion: ambassador/v1',
    'kind: TLSContext',
    'name: ctx',
    'hosts: []',
    'secret: s',
  ].join('\n');
  const r = loadMappings([
    {
      doc: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'm-default',
          namespace: 'seldon',
          annotations: { 'getambassador.io/config': annotation },
        },
        spec: {},
      },
      source: { file: 'svc.yaml', index: 0 },
    },
  ]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.mappings.map((m) => [m.name, m.namespace]),
    [['seldon_seldon_m_default_rest_mapping', 'seldon']],
  );
  assert.equal(r.tlsContexts[0]?.namespace, 'seldon');
});

test('a bad Mapping is left out with an error at its field path; the others load', () => {
  const r = parseMappingText(
    [
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'metadata: {name: typo}',
      'spec: {prefx: /a/, prefix: /a/, service: a:80}',
      '---',
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'metadata: {name: good}',
      'spec: {prefix: /b/, service: b:80}',
      '---',
      'apiVersion: getambassador.io/v3alpha1',
      'kind: Mapping',
      'metadata: {name: badtype}',
      'spec: {prefix: /c/, service: c:80, timeout_ms: "soon", circuit_breakers: [{max_requests: -1}]}',
    ].join('\n'),
    'm.yaml',
  );
  assert.deepEqual(
    r.mappings.map((m) => m.name),
    ['good'],
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.resource, d.path]),
    [
      ['SDEP_MAPPING_UNKNOWN_FIELD', 'm.yaml#0 Mapping default/typo', 'spec.prefx'],
      ['SDEP_MAPPING_FIELD_TYPE', 'm.yaml#2 Mapping default/badtype', 'spec.timeout_ms'],
      [
        'SDEP_MAPPING_FIELD_VALUE',
        'm.yaml#2 Mapping default/badtype',
        'spec.circuit_breakers[0].max_requests',
      ],
    ],
  );
  assert.match(r.diagnostics[0]?.message ?? '', /did you mean "prefix"/);
});

test('valid Ambassador fields sdep does not route on are kept (extra) with a warning', () => {
  const r = parseMappingText(
    'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: c}\nspec: {prefix: /a/, service: a:80, cors: {origins: "*"}}',
    'c.yaml',
  );
  assert.equal(r.mappings.length, 1);
  assert.deepEqual(r.mappings[0]?.extra, { cors: { origins: '*' } });
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity, d.path]),
    [['SDEP_MAPPING_FIELD_UNSUPPORTED', 'warning', 'spec.cors']],
  );
});

test('host_rewrite is read for the gateway; a value that is not a host is refused at its path', () => {
  const ok = parseMappingText(
    'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: h}\nspec: {prefix: /a/, service: a:80, host_rewrite: "b.svc:8000"}',
    'h.yaml',
  );
  assert.equal(ok.mappings[0]?.host_rewrite, 'b.svc:8000');
  assert.equal(ok.mappings[0]?.extra, undefined);
  assert.deepEqual(ok.diagnostics, []);
  const bad = parseMappingText(
    'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: h}\nspec: {prefix: /a/, service: a:80, host_rewrite: "b x"}',
    'h.yaml',
  );
  assert.equal(bad.mappings.length, 0);
  assert.deepEqual(
    bad.diagnostics.map((d) => [d.code, d.severity, d.path]),
    [['SDEP_MAPPING_FIELD_VALUE', 'error', 'spec.host_rewrite']],
  );
  assert.match(bad.diagnostics[0]?.message ?? '', /host name/);
});

test('duplicates, other kinds, unknown apiVersions, YAML errors and non-Ambassador resources', () => {
  const r = parseMappingText(
    [
      'apiVersion: ambassador/v1',
      'kind: Mapping',
      'name: same',
      'prefix: /a/',
      'service: a:80',
      '---',
      'apiVersion: ambassador/v1',
      'kind: Mapping',
      'name: same',
      'prefix: /b/',
      'service: b:80',
      '---',
      'apiVersion: getambassador.io/v3alpha1',
      'kind: Host',
      'metadata: {name: h}',
      'spec: {hostname: "*"}',
      '---',
      'apiVersion: getambassador.io/v9',
      'kind: Mapping',
      'name: future',
      'prefix: /c/',
      'service: c:80',
      '---',
      'apiVersion: machinelearning.seldon.io/v1',
      'kind: SeldonDeployment',
      'metadata: {name: x}',
      '---',
      'prefix: [unclosed',
    ].join('\n'),
    'mixed.yaml',
  );
  assert.deepEqual(
    r.mappings.map((m) => m.prefix),
    ['/a/'],
  );
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity]).sort(), [
    ['SDEP_MAPPING_API_VERSION', 'error'],
    ['SDEP_MAPPING_DUPLICATE_NAME', 'error'],
    ['SDEP_MAPPING_KIND_IGNORED', 'warning'],
    ['SDEP_MAPPING_YAML', 'error'],
  ]);
});

test('required fields: name in the flat form, metadata.name in a CRD, prefix and service everywhere', () => {
  const r = parseMappingText(
    [
      'apiVersion: ambassador/v1',
      'kind: Mapping',
      'service: a:80',
      '---',
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'metadata: {}',
      'spec: {prefix: /a/, service: a:80}',
    ].join('\n'),
    'req.yaml',
  );
  assert.equal(r.mappings.length, 0);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.path]),
    [
      ['SDEP_MAPPING_FIELD_REQUIRED', 'name'],
      ['SDEP_MAPPING_FIELD_REQUIRED', 'prefix'],
      ['SDEP_MAPPING_FIELD_REQUIRED', 'metadata.name'],
    ],
  );
});
