/** Each semantic rule: the exact code and field path, and every error reported (not just the first). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeployment } from './index.js';

type Doc = Record<string, unknown>;
const src = { file: 'rules.yaml', index: 0 };

function predictor(name: string, extra: Doc = {}): Doc {
  return {
    name,
    graph: { name: 'classifier', type: 'MODEL' },
    componentSpecs: [{ spec: { containers: [{ name: 'classifier', image: 'img:1' }] } }],
    ...extra,
  };
}

function deployment(predictors: Doc[], spec: Doc = {}, metadata: Doc = { name: 'm' }): Doc {
  return {
    apiVersion: 'machinelearning.seldon.io/v1',
    kind: 'SeldonDeployment',
    metadata,
    spec: { ...spec, predictors },
  };
}

function diagnosticsOf(doc: Doc, severity = 'error') {
  return parseDeployment(doc, src)
    .diagnostics.filter((d) => d.severity === severity)
    .map(({ code, path }) => `${code} ${path}`)
    .sort();
}

function messageOf(doc: Doc, code: string): string {
  const d = parseDeployment(doc, src).diagnostics.find((x) => x.code === code);
  assert.ok(d, `expected ${code}`);
  return d.message;
}

const cases: { name: string; doc: Doc; errors: string[] }[] = [
  { name: 'no predictors', doc: deployment([]), errors: ['SDEP_NO_PREDICTORS spec.predictors'] },
  {
    name: 'metadata.name not DNS-1123',
    doc: deployment([predictor('p')], {}, { name: 'My_Model', namespace: 'Bad.NS' }),
    errors: ['SDEP_METADATA_NAME metadata.name', 'SDEP_METADATA_NAME metadata.namespace'],
  },
  {
    name: 'predictor name not DNS-1123',
    doc: deployment([predictor('Main')]),
    errors: ['SDEP_PREDICTOR_NAME spec.predictors[0].name'],
  },
  {
    name: 'duplicate predictor names (every repeat)',
    doc: deployment([
      predictor('p', { traffic: 40 }),
      predictor('p', { traffic: 30 }),
      predictor('p', { traffic: 30 }),
    ]),
    errors: [
      'SDEP_DUPLICATE_PREDICTOR spec.predictors[1].name',
      'SDEP_DUPLICATE_PREDICTOR spec.predictors[2].name',
    ],
  },
  {
    name: 'two shadows',
    doc: deployment([predictor('a'), predictor('s1', { shadow: true }), predictor('s2', { shadow: true })]),
    errors: ['SDEP_MULTIPLE_SHADOWS spec.predictors[2].shadow'],
  },
  {
    name: 'shadow is the only predictor',
    doc: deployment([predictor('s', { shadow: true })]),
    errors: ['SDEP_SHADOW_ONLY spec.predictors[0].shadow'],
  },
  {
    name: 'traffic out of range, shadow and non-shadow',
    doc: deployment([predictor('a', { traffic: -5 }), predictor('s', { shadow: true, traffic: 101 })]),
    errors: [
      'SDEP_TRAFFIC_RANGE spec.predictors[0].traffic',
      'SDEP_TRAFFIC_RANGE spec.predictors[1].traffic',
    ],
  },
  {
    name: 'traffic sum of non-shadow predictors (shadow not counted)',
    doc: deployment([
      predictor('a', { traffic: 50 }),
      predictor('b', { traffic: 40 }),
      predictor('s', { shadow: true, traffic: 10 }),
    ]),
    errors: ['SDEP_TRAFFIC_SUM spec.predictors[1].traffic'],
  },
  {
    name: 'lone non-shadow predictor with partial traffic',
    doc: deployment([predictor('a', { traffic: 99 })]),
    errors: ['SDEP_TRAFFIC_SINGLE spec.predictors[0].traffic'],
  },
  {
    name: 'duplicate seldon.io/svc-name',
    doc: deployment([
      predictor('a', { traffic: 50, annotations: { 'seldon.io/svc-name': 'x' } }),
      predictor('b', { traffic: 50, annotations: { 'seldon.io/svc-name': 'x' } }),
    ]),
    errors: ['SDEP_DUPLICATE_SVC_NAME spec.predictors[1].annotations["seldon.io/svc-name"]'],
  },
  {
    name: 'no-engine with a multi-node graph',
    doc: deployment([
      predictor('p', {
        annotations: { 'seldon.io/no-engine': 'true' },
        graph: { name: 'classifier', children: [{ name: 'r', implementation: 'SIMPLE_MODEL' }] },
      }),
    ]),
    errors: ['SDEP_NO_ENGINE_MULTI_NODE spec.predictors[0].annotations["seldon.io/no-engine"]'],
  },
  {
    name: 'node without container or implementation (nested)',
    doc: deployment([predictor('p', { graph: { name: 'classifier', children: [{ name: 'ghost' }] } })]),
    errors: ['SDEP_MISSING_CONTAINER spec.predictors[0].graph.children[0].name'],
  },
  {
    name: 'duplicate container names across componentSpecs',
    doc: deployment([
      predictor('p', {
        componentSpecs: [
          { spec: { containers: [{ name: 'classifier', image: 'a' }] } },
          { spec: { containers: [{ name: 'classifier', image: 'b' }] } },
        ],
      }),
    ]),
    errors: ['SDEP_DUPLICATE_CONTAINER spec.predictors[0].componentSpecs[1].spec.containers[0].name'],
  },
  {
    name: 'unknown implementation without a container',
    doc: deployment([predictor('p', { graph: { name: 'x', implementation: 'PYTORCH_MAGIC' } })]),
    errors: ['SDEP_UNKNOWN_IMPLEMENTATION spec.predictors[0].graph.implementation'],
  },
  {
    name: 'prepackaged servers need modelUri (every prepackaged one)',
    doc: deployment([
      predictor('p', {
        graph: {
          name: 'r',
          implementation: 'RANDOM_ABTEST',
          children: [
            { name: 'a', implementation: 'XGBOOST_SERVER' },
            { name: 'b', implementation: 'ONNX_SERVER', modelUri: '' },
          ],
        },
      }),
    ]),
    errors: [
      'SDEP_MODEL_URI_REQUIRED spec.predictors[0].graph.children[0].modelUri',
      'SDEP_MODEL_URI_REQUIRED spec.predictors[0].graph.children[1].modelUri',
    ],
  },
  {
    name: 'prepackaged server and protocol',
    doc: deployment(
      [predictor('p', { graph: { name: 't', implementation: 'TRITON_SERVER', modelUri: 'gs://m' } })],
      {
        protocol: 'seldon',
      },
    ),
    errors: ['SDEP_PROTOCOL_UNSUPPORTED spec.predictors[0].graph.implementation'],
  },
  {
    name: 'prepackaged server typed as a router',
    doc: deployment([
      predictor('p', {
        graph: { name: 's', type: 'ROUTER', implementation: 'SKLEARN_SERVER', modelUri: 'gs://m' },
      }),
    ]),
    errors: ['SDEP_NODE_TYPE_CONFLICT spec.predictors[0].graph.type'],
  },
  {
    name: 'mixed endpoint types',
    doc: deployment([
      predictor('p', {
        graph: {
          name: 'classifier',
          endpoint: { type: 'GRPC' },
          children: [{ name: 'b', implementation: 'SIMPLE_MODEL', endpoint: { type: 'REST' } }],
        },
      }),
    ]),
    errors: ['SDEP_ENDPOINT_TYPES_MIXED spec.predictors[0].graph.children[0].endpoint.type'],
  },
  {
    name: 'endpoint type against spec.transport',
    doc: deployment([predictor('p', { graph: { name: 'classifier', endpoint: { type: 'GRPC' } } })], {
      transport: 'rest',
    }),
    errors: ['SDEP_TRANSPORT_MISMATCH spec.predictors[0].graph.endpoint.type'],
  },
  {
    name: 'logger without mode',
    doc: deployment([predictor('p', { graph: { name: 'classifier', logger: { url: 'http://l' } } })]),
    errors: ['SDEP_LOGGER_MODE spec.predictors[0].graph.logger.mode'],
  },
  {
    name: 'duplicate node names in one graph',
    doc: deployment([
      predictor('p', {
        graph: { name: 'classifier', children: [{ name: 'classifier' }] },
      }),
    ]),
    errors: ['SDEP_DUPLICATE_NODE spec.predictors[0].graph.children[0].name'],
  },
  {
    name: 'parameter values that do not parse as their type',
    doc: deployment([
      predictor('p', {
        graph: {
          name: 'classifier',
          parameters: [
            { name: 'i', value: '1.5', type: 'INT' },
            { name: 'f', value: 'abc', type: 'FLOAT' },
            { name: 'd', value: '', type: 'DOUBLE' },
            { name: 'b', value: 'yes', type: 'BOOL' },
            { name: 'j', value: '{x', type: 'JSON' },
            { name: 's', value: '', type: 'STRING' },
          ],
        },
      }),
    ]),
    errors: [0, 1, 2, 3, 4].map(
      (k) => `SDEP_PARAMETER_VALUE spec.predictors[0].graph.parameters[${k}].value`,
    ),
  },
  {
    name: 'numeric annotations must be integers (metadata, spec and predictor)',
    doc: {
      ...deployment([predictor('p', { annotations: { 'seldon.io/rest-read-timeout': '1s' } })], {
        annotations: { 'seldon.io/grpc-max-message-size': 'big' },
      }),
      metadata: { name: 'm', annotations: { 'seldon.io/grpc-read-timeout': '-1' } },
    },
    errors: [
      'SDEP_ANNOTATION_NOT_INTEGER metadata.annotations["seldon.io/grpc-read-timeout"]',
      'SDEP_ANNOTATION_NOT_INTEGER spec.annotations["seldon.io/grpc-max-message-size"]',
      'SDEP_ANNOTATION_NOT_INTEGER spec.predictors[0].annotations["seldon.io/rest-read-timeout"]',
    ],
  },
];

for (const c of cases) {
  test(`rule: ${c.name}`, () => {
    assert.deepEqual(diagnosticsOf(c.doc), [...c.errors].sort());
    assert.equal(parseDeployment(c.doc, src).spec, undefined);
  });
}

test('every error is reported at once, across rules and predictors', () => {
  const doc = deployment(
    [
      predictor('a', { traffic: 70, graph: { name: 'classifier', logger: {} } }),
      predictor('a', { traffic: 20 }),
      predictor('s', { shadow: true, traffic: 120 }),
    ],
    {},
    { name: 'Bad' },
  );
  assert.deepEqual(diagnosticsOf(doc), [
    'SDEP_DUPLICATE_PREDICTOR spec.predictors[1].name',
    'SDEP_LOGGER_MODE spec.predictors[0].graph.logger.mode',
    'SDEP_METADATA_NAME metadata.name',
    'SDEP_TRAFFIC_RANGE spec.predictors[2].traffic',
    'SDEP_TRAFFIC_SUM spec.predictors[1].traffic',
  ]);
});

test('messages give the reason: the traffic sum names the sum and each predictor', () => {
  const doc = deployment([predictor('main', { traffic: 60 }), predictor('canary')]);
  assert.equal(
    messageOf(doc, 'SDEP_TRAFFIC_SUM'),
    'traffic of the non-shadow predictors must sum to 100, got 60 (main 60 + canary unset)',
  );
  assert.match(
    messageOf(deployment([predictor('a', { traffic: 150 })]), 'SDEP_TRAFFIC_RANGE'),
    /0 and 100, got 150/,
  );
});

test('accepted: lone predictor with traffic 0 or 100; traffic split exactly 100; built-ins need no container', () => {
  for (const t of [0, 100]) assert.deepEqual(diagnosticsOf(deployment([predictor('a', { traffic: t })])), []);
  assert.deepEqual(
    diagnosticsOf(deployment([predictor('a', { traffic: 0 }), predictor('b', { traffic: 100 })])),
    [],
  );
  const builtins = deployment([
    predictor('p', {
      componentSpecs: [],
      graph: {
        name: 'ab',
        implementation: 'RANDOM_ABTEST',
        children: [
          { name: 'm', implementation: 'MOCK_CLASSIFIER' },
          {
            name: 'c',
            implementation: 'AVERAGE_COMBINER',
            children: [{ name: 'o', implementation: 'ONNX_SERVER', modelUri: 'file:///m.onnx' }],
          },
        ],
      },
    }),
  ]);
  assert.deepEqual(diagnosticsOf(builtins), []);
  assert.deepEqual(diagnosticsOf(builtins, 'warning'), []);
});

test('an unknown implementation with a container of its name is only a warning', () => {
  const doc = deployment([
    predictor('p', { graph: { name: 'classifier', implementation: 'CUSTOM_SERVER' } }),
  ]);
  assert.deepEqual(diagnosticsOf(doc), []);
  assert.deepEqual(diagnosticsOf(doc, 'warning'), [
    'SDEP_UNKNOWN_IMPLEMENTATION spec.predictors[0].graph.implementation',
  ]);
  assert.ok(parseDeployment(doc, src).spec);
});

test('transport and endpoint types that agree are fine', () => {
  const doc = deployment([predictor('p', { graph: { name: 'classifier', endpoint: { type: 'GRPC' } } })], {
    transport: 'grpc',
  });
  assert.deepEqual(diagnosticsOf(doc), []);
});

test('KNOWN_IMPLEMENTATIONS covers every built-in the runtime can start', async () => {
  const { BUILTIN_IMPLEMENTATIONS } = await import('../runtime/builtin-components.js');
  const { KNOWN_IMPLEMENTATIONS } = await import('./index.js');
  for (const name of BUILTIN_IMPLEMENTATIONS) assert.ok(KNOWN_IMPLEMENTATIONS[name], name);
  for (const [name, info] of Object.entries(KNOWN_IMPLEMENTATIONS)) {
    assert.ok(info.protocols.length > 0, name);
    if (info.kind === 'prepackaged') assert.equal(info.type, 'MODEL', name);
  }
});

test('a node with endpoint.service_host is a remote component and needs no container', () => {
  const doc = deployment([
    predictor('p', {
      componentSpecs: [],
      graph: { name: 'remote', endpoint: { type: 'REST', service_host: '127.0.0.1', service_port: 9000 } },
    }),
  ]);
  assert.deepEqual(diagnosticsOf(doc), []);
  const g = parseDeployment(doc, src).spec!.predictors[0]!.graph;
  assert.deepEqual(g.endpoint, { type: 'REST', service_host: '127.0.0.1', service_port: 9000 });
});
