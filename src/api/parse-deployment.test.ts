import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic } from '../core/diagnostic.js';
import { parseDeployment, parseDeploymentText, type RawSeldonDeployment } from './index.js';

const src = { file: 't.yaml', index: 0 };
type Doc = RawSeldonDeployment;
/** For fields the schema does not have, or values of the wrong type (that is the point of those tests). */
const loose = (o: object) => o as Record<string, unknown>;
const p0 = (d: Doc) => d.spec.predictors[0]!;

/** A minimal valid SeldonDeployment; tests mutate copies of it. */
function minimal(): Doc {
  return {
    apiVersion: 'machinelearning.seldon.io/v1',
    kind: 'SeldonDeployment',
    metadata: { name: 'm' },
    spec: {
      predictors: [
        {
          name: 'default',
          graph: { name: 'classifier' },
          componentSpecs: [{ spec: { containers: [{ name: 'classifier', image: 'img:1' }] } }],
        },
      ],
    },
  };
}

const byPath = (a: { path: string; code: string }, b: { path: string; code: string }) =>
  a.path.localeCompare(b.path) || a.code.localeCompare(b.code);

/** Error diagnostics as {code, path}, sorted by path (the order of discovery is not part of the contract). */
function errorsOf(doc: unknown): { code: string; path: string }[] {
  return parseDeployment(doc, src)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(({ code, path }) => ({ code, path }))
    .sort(byPath);
}

test('every examples/*.yaml parses with no diagnostics at all', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 7);
  for (const f of files) {
    const r = parseDeploymentText(readFileSync(join(dir, f), 'utf8'), f);
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), [], f);
    assert.equal(r.specs.length, 1, f);
  }
});

test('defaults: namespace, labels.version, node type, endpoint, replicas, protocol, transport', () => {
  const r = parseDeployment(minimal(), src);
  assert.deepEqual(r.diagnostics, []);
  const s = r.spec!;
  assert.equal(s.namespace, 'default');
  assert.equal(s.protocol, 'seldon');
  assert.equal(s.transport, 'rest');
  assert.equal(s.replicas, undefined);
  assert.deepEqual(s.source, src);
  const p = s.predictors[0]!;
  assert.deepEqual(p.labels, { version: 'default' });
  assert.equal(p.replicas, 1);
  assert.equal(p.traffic, undefined);
  assert.equal(p.shadow, false);
  assert.equal(p.graph.type, 'MODEL');
  assert.deepEqual(p.graph.endpoint, { type: 'REST' });
  assert.deepEqual(p.graph.parameters, []);
  assert.deepEqual(p.graph.children, []);
});

test('defaults: replicas predictor ?? spec ?? 1, and an explicit labels.version is kept', () => {
  const d = minimal();
  d.spec.replicas = 3;
  d.spec.predictors.push({
    ...structuredClone(p0(d)),
    name: 'b',
    replicas: 2,
    labels: { version: 'v9', x: 'y' },
  });
  p0(d).traffic = 50;
  d.spec.predictors[1]!.traffic = 50;
  const s = parseDeployment(d, src).spec!;
  assert.equal(s.replicas, 3);
  assert.deepEqual(
    s.predictors.map((p) => p.replicas),
    [3, 2],
  );
  assert.deepEqual(s.predictors[1]!.labels, { version: 'v9', x: 'y' });
});

test('defaults: transport grpc types endpoints GRPC; kfserving is v2; namespace kept', () => {
  const d = minimal();
  d.metadata.namespace = 'seldon';
  d.spec.transport = 'grpc';
  d.spec.protocol = 'kfserving';
  const s = parseDeployment(d, src).spec!;
  assert.equal(s.namespace, 'seldon');
  assert.equal(s.transport, 'grpc');
  assert.equal(s.protocol, 'v2');
  assert.deepEqual(s.predictors[0]!.graph.endpoint, { type: 'GRPC' });
});

test('defaults: implementations imply types; methods imply types; UNKNOWN_IMPLEMENTATION is none', () => {
  const d = minimal();
  p0(d).graph = {
    name: 'ab',
    implementation: 'RANDOM_ABTEST',
    children: [
      { name: 'sk', implementation: 'SKLEARN_SERVER', modelUri: 'gs://m' },
      { name: 'classifier', implementation: 'UNKNOWN_IMPLEMENTATION', methods: ['TRANSFORM_INPUT'] },
      { name: 'avg', implementation: 'AVERAGE_COMBINER', type: 'UNKNOWN_TYPE' },
    ],
  };
  const r = parseDeployment(d, src);
  assert.deepEqual(r.diagnostics, []);
  const g = r.spec!.predictors[0]!.graph;
  assert.equal(g.type, 'ROUTER');
  assert.deepEqual(
    g.children.map((c) => [c.name, c.type, c.implementation]),
    [
      ['sk', 'MODEL', 'SKLEARN_SERVER'],
      ['classifier', 'TRANSFORMER', undefined],
      ['avg', 'COMBINER', 'AVERAGE_COMBINER'],
    ],
  );
  assert.deepEqual(g.children[1]!.methods, ['TRANSFORM_INPUT']);
});

test('defaults: parameters are parsed to their declared types', () => {
  const d = minimal();
  p0(d).graph.parameters = [
    { name: 'i', value: '42', type: 'INT' },
    { name: 'f', value: '0.25', type: 'FLOAT' },
    { name: 'd', value: '-1e3', type: 'DOUBLE' },
    { name: 'b', value: 'False', type: 'BOOL' },
    { name: 's', value: ' x ', type: 'STRING' },
    { name: 'j', value: '{"a":[1]}', type: 'JSON' },
  ];
  const params = parseDeployment(d, src).spec!.predictors[0]!.graph.parameters;
  assert.deepEqual(
    params.map((p) => [p.name, p.parsed]),
    [
      ['i', 42],
      ['f', 0.25],
      ['d', -1000],
      ['b', false],
      ['s', ' x '],
      ['j', { a: [1] }],
    ],
  );
  assert.equal(params[0]!.value, '42');
});

test('annotations: metadata then spec, spec wins; predictor annotations kept apart', () => {
  const d = minimal();
  d.metadata.annotations = { a: 'meta', b: 'meta' };
  d.spec.annotations = { b: 'spec', c: 'spec' };
  p0(d).annotations = { p: '1' };
  const s = parseDeployment(d, src).spec!;
  assert.deepEqual(s.annotations, { a: 'meta', b: 'spec', c: 'spec' });
  assert.deepEqual(s.predictors[0]!.annotations, { p: '1' });
});

test('containers and pod specs keep unknown fields in extra, without warnings', () => {
  const d = minimal();
  const pod = p0(d).componentSpecs![0]!.spec;
  loose(pod).volumes = [{ name: 'v' }];
  Object.assign(pod.containers[0]!, {
    imagePullPolicy: 'IfNotPresent',
    env: [{ name: 'A', value: '1' }],
    ports: [{ containerPort: 9000, name: 'http' }],
    resources: { requests: { cpu: '1' } },
  });
  const r = parseDeployment(d, src);
  assert.deepEqual(r.diagnostics, []);
  const cs = r.spec!.predictors[0]!.componentSpecs[0]!;
  assert.deepEqual(cs.spec.extra, { volumes: [{ name: 'v' }] });
  assert.deepEqual(cs.spec.containers[0], {
    name: 'classifier',
    image: 'img:1',
    env: [{ name: 'A', value: '1' }],
    ports: [{ containerPort: 9000, name: 'http' }],
    resources: { requests: { cpu: '1' } },
    extra: { imagePullPolicy: 'IfNotPresent' },
  });
});

test('an explainer without a type is no explainer; with one it is kept', () => {
  const d = minimal();
  p0(d).explainer = { modelUri: 'gs://e' };
  assert.equal(parseDeployment(d, src).spec!.predictors[0]!.explainer, undefined);
  p0(d).explainer = { type: 'AnchorTabular', modelUri: 'gs://e' };
  assert.deepEqual(parseDeployment(d, src).spec!.predictors[0]!.explainer, {
    type: 'AnchorTabular',
    modelUri: 'gs://e',
  });
});

test('unknown fields are warnings with their path; the spec is still produced', () => {
  const d = minimal();
  loose(d).extraTop = 1;
  loose(d.spec).foo = 1;
  loose(p0(d)).bar = 2;
  loose(p0(d).graph).baz = 3;
  loose(d.metadata).generateName = 'x'; // metadata is open: no warning
  const r = parseDeployment(d, src);
  assert.ok(r.spec);
  assert.deepEqual(
    r.diagnostics.map((x) => [x.severity, x.code, x.path]).sort((a, b) => a[2]!.localeCompare(b[2]!)),
    [
      ['warning', 'SDEP_UNKNOWN_FIELD', 'extraTop'],
      ['warning', 'SDEP_UNKNOWN_FIELD', 'spec.foo'],
      ['warning', 'SDEP_UNKNOWN_FIELD', 'spec.predictors[0].bar'],
      ['warning', 'SDEP_UNKNOWN_FIELD', 'spec.predictors[0].graph.baz'],
    ],
  );
});

test('structural errors name the field path, all of them', () => {
  const d = minimal();
  loose(p0(d)).traffic = '50';
  loose(p0(d)).shadow = 'yes';
  loose(p0(d).graph).parameters = [{ name: 'x', value: '1' }];
  loose(p0(d).graph).type = 'MODELL';
  (p0(d).componentSpecs![0]!.spec.containers as unknown[]).push({ image: 'no-name' });
  assert.deepEqual(
    errorsOf(d),
    [
      { code: 'SDEP_FIELD_TYPE', path: 'spec.predictors[0].traffic' },
      { code: 'SDEP_FIELD_TYPE', path: 'spec.predictors[0].shadow' },
      { code: 'SDEP_FIELD_VALUE', path: 'spec.predictors[0].graph.type' },
      { code: 'SDEP_FIELD_REQUIRED', path: 'spec.predictors[0].graph.parameters[0].type' },
      { code: 'SDEP_FIELD_REQUIRED', path: 'spec.predictors[0].componentSpecs[0].spec.containers[1].name' },
    ].sort(byPath),
  );
  const messages = parseDeployment(d, src).diagnostics.map((x) => `${x.path}: ${x.message}`);
  assert.ok(
    messages.includes('spec.predictors[0].traffic: must be an integer, got string "50"'),
    messages.join('\n'),
  );
  assert.ok(messages.includes('spec.predictors[0].graph.parameters[0].type: type is required'));
});

test('missing top-level parts and wrong kind/apiVersion', () => {
  assert.deepEqual(errorsOf({ apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment' }), [
    { code: 'SDEP_FIELD_REQUIRED', path: 'metadata' },
    { code: 'SDEP_FIELD_REQUIRED', path: 'spec' },
  ]);
  const d = minimal();
  d.kind = 'Mapping';
  d.apiVersion = 'machinelearning.seldon.io/v2';
  assert.deepEqual(errorsOf(d), [
    { code: 'SDEP_API_VERSION', path: 'apiVersion' },
    { code: 'SDEP_KIND', path: 'kind' },
  ]);
  for (const v of ['v1alpha2', 'v1alpha3']) {
    const ok = minimal();
    ok.apiVersion = `machinelearning.seldon.io/${v}`;
    assert.ok(parseDeployment(ok, src).spec, v);
  }
});

test('never throws: odd inputs give error diagnostics with messages', () => {
  const circular = minimal();
  p0(circular).graph.children = [p0(circular).graph];
  let deep: Doc['spec']['predictors'][number]['graph'] = { name: 'n' };
  for (let i = 0; i < 5000; i++) deep = { name: `n${i}`, children: [deep] };
  const deepDoc = minimal();
  p0(deepDoc).graph = deep;
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('boom');
      },
      ownKeys() {
        throw new Error('boom');
      },
    },
  );
  for (const input of [
    null,
    undefined,
    42,
    'x',
    [],
    [minimal()],
    {},
    { kind: 'SeldonDeployment' },
    circular,
    deepDoc,
    throwing,
  ]) {
    const r = parseDeployment(input, src);
    assert.equal(r.spec, undefined);
    assert.ok(r.diagnostics.some((x) => x.severity === 'error' && x.message.length > 0));
  }
});

test('a non-string annotation value is a type error that says to quote it', () => {
  const d = minimal();
  loose(d.spec).annotations = { 'seldon.io/ambassador-circuit-breakers-max-connections': 200 };
  const r = parseDeployment(d, src);
  assert.equal(r.spec, undefined);
  assert.deepEqual(
    r.diagnostics.map((x) => [x.code, x.path, x.message]),
    [
      [
        'SDEP_FIELD_TYPE',
        'spec.annotations["seldon.io/ambassador-circuit-breakers-max-connections"]',
        'must be a string, got number 200 (quote the value in YAML)',
      ],
    ],
  );
});
