import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import { parseDeploymentText } from '../api/index.js';
import { hasErrors } from '../core/diagnostic.js';
import { compileDeployment } from './compile.js';
import { compileAll } from './compile-all.js';

interface PredictorInput {
  name: string;
  traffic?: number;
  shadow?: boolean;
  annotations?: Record<string, string>;
  explainer?: Record<string, unknown>;
  ssl?: { certSecretName: string };
}

function deployment(
  name: string,
  opts: { namespace?: string; annotations?: Record<string, string>; predictors?: PredictorInput[] } = {},
): DeploymentSpec {
  const predictors = (opts.predictors ?? [{ name: 'default' }]).map((p) => ({
    ...p,
    graph: { name: 'classifier', type: 'MODEL', children: [] },
    componentSpecs: [
      { spec: { containers: [{ name: 'classifier', image: 'seldonio/mock_classifier:1.18.2' }] } },
    ],
  }));
  const doc = {
    apiVersion: 'machinelearning.seldon.io/v1',
    kind: 'SeldonDeployment',
    metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
    spec: { annotations: opts.annotations ?? {}, predictors },
  };
  const r = parseDeploymentText(JSON.stringify(doc), `${name}.json`);
  assert.equal(r.specs.length, 1, JSON.stringify(r.diagnostics));
  return r.specs[0] as DeploymentSpec;
}

const NS = { singleNamespace: false };

test('one predictor: REST and gRPC Mappings with Seldon names, prefixes, services and default timeouts', () => {
  const { config, diagnostics } = compileDeployment(deployment('mymodel', { namespace: 'seldon' }), NS);
  assert.deepEqual(diagnostics, []);
  const [rest, grpc] = config.mappings;
  assert.equal(config.mappings.length, 2);
  assert.equal(rest?.name, 'seldon_seldon_mymodel_default_rest_mapping');
  assert.equal(rest?.prefix, '/seldon/seldon/mymodel/');
  assert.equal(rest?.rewrite, '/');
  assert.equal(rest?.service, 'mymodel-default.seldon:8000');
  assert.equal(rest?.timeout_ms, 3000);
  assert.equal(rest?.weight, undefined);
  assert.equal(grpc?.name, 'seldon_seldon_mymodel_default_grpc_mapping');
  assert.equal(grpc?.grpc, true);
  assert.equal(grpc?.prefix_regex, true);
  assert.equal(grpc?.rewrite, '');
  assert.equal(grpc?.service, 'mymodel-default.seldon:5001');
  assert.deepEqual(grpc?.headers, { seldon: 'mymodel', namespace: 'seldon' });
  assert.equal(rest?.origin?.predictor, 'default');
});

test('single-namespace mode adds /seldon/<name>/ Mappings; the gRPC one matches on the seldon header only', () => {
  const { config } = compileDeployment(deployment('mymodel'), { singleNamespace: true });
  assert.deepEqual(
    config.mappings.map((m) => [m.name, m.prefix]),
    [
      ['seldon_default_mymodel_default_rest_mapping', '/seldon/default/mymodel/'],
      [
        'seldon_default_mymodel_default_grpc_mapping',
        '/(seldon.protos.*|tensorflow.serving.*|inference.*)/.*',
      ],
      ['seldon_mymodel_default_rest_mapping', '/seldon/mymodel/'],
      ['seldon_mymodel_default_grpc_mapping', '/(seldon.protos.*|tensorflow.serving.*|inference.*)/.*'],
    ],
  );
  assert.deepEqual(config.mappings[3]?.headers, { seldon: 'mymodel' });
});

test('weights: none on the first predictor, traffic on the others, 0 kept as weight 0, shadows included', () => {
  const canary = compileDeployment(
    deployment('example', {
      predictors: [
        { name: 'main', traffic: 100 },
        { name: 'canary', traffic: 0 },
      ],
    }),
    NS,
  ).config;
  assert.deepEqual(
    canary.mappings.map((m) => [m.name, m.weight]),
    [
      ['seldon_default_example_main_rest_mapping', undefined],
      ['seldon_default_example_main_grpc_mapping', undefined],
      ['seldon_default_example_canary_rest_mapping', 0],
      ['seldon_default_example_canary_grpc_mapping', 0],
    ],
  );
  const shadow = compileDeployment(
    deployment('s', { predictors: [{ name: 'main' }, { name: 'shadow', shadow: true, traffic: 40 }] }),
    NS,
  ).config;
  const mirror = shadow.mappings.filter((m) => m.shadow);
  assert.equal(mirror.length, 2);
  assert.ok(mirror.every((m) => m.weight === 40 && m.service.startsWith('s-shadow.default:')));
  assert.equal(mirror[0]?.prefix, shadow.mappings[0]?.prefix, 'a shadow shares the main prefix');
});

test('timeouts: rest-timeout for REST, grpc-timeout for gRPC, idle_timeout_ms only strictly above 300000', () => {
  const { config } = compileDeployment(
    deployment('m', {
      annotations: { 'seldon.io/rest-timeout': '400000', 'seldon.io/grpc-timeout': '300000' },
    }),
    NS,
  );
  const [rest, grpc] = config.mappings;
  assert.equal(rest?.timeout_ms, 400000);
  assert.equal(rest?.idle_timeout_ms, 400000);
  assert.equal(grpc?.timeout_ms, 300000);
  assert.equal(grpc?.idle_timeout_ms, undefined);
});

test('retries, circuit breakers (only the set caps, no priority), ambassador_id as a list', () => {
  const { config } = compileDeployment(
    deployment('m', {
      annotations: {
        'seldon.io/ambassador-retries': '3',
        'seldon.io/ambassador-circuit-breakers-max-connections': '200',
        'seldon.io/ambassador-circuit-breakers-max-retries': '3',
        'seldon.io/ambassador-id': 'my_instance',
      },
    }),
    NS,
  );
  for (const m of config.mappings) {
    assert.deepEqual(m.retry_policy, { retry_on: 'gateway-error', num_retries: 3 });
    assert.deepEqual(m.circuit_breakers, [{ max_connections: 200, max_retries: 3 }]);
    assert.deepEqual(m.ambassador_id, ['my_instance']);
  }
  const zero = compileDeployment(
    deployment('z', { annotations: { 'seldon.io/ambassador-retries': '0' } }),
    NS,
  );
  assert.equal(zero.config.mappings[0]?.retry_policy, undefined, 'zero retries: no retry_policy');
});

test('headers: exact, presence, pairs; REST gets only custom headers, gRPC merges them with its own', () => {
  const exact = compileDeployment(
    deployment('example-header', {
      annotations: {
        'seldon.io/ambassador-header': 'location:london',
        'seldon.io/ambassador-service-name': 'example',
      },
    }),
    NS,
  ).config.mappings;
  assert.equal(
    exact[0]?.prefix,
    '/seldon/default/example/',
    'ambassador-service-name sets the external name',
  );
  assert.equal(exact[0]?.service, 'example-header-default.default:8000', 'but not the backend');
  assert.deepEqual(exact[0]?.headers, { location: 'london' });
  assert.deepEqual(exact[1]?.headers, { location: 'london', seldon: 'example', namespace: 'default' });
  const presence = compileDeployment(
    deployment('p', { annotations: { 'seldon.io/ambassador-header': 'x-canary' } }),
    NS,
  );
  assert.deepEqual(presence.config.mappings[0]?.headers, { 'x-canary': true });
  const pairs = compileDeployment(
    deployment('q', { annotations: { 'seldon.io/ambassador-header': 'a:1:b:2' } }),
    NS,
  );
  assert.deepEqual(pairs.config.mappings[0]?.headers, { a: '1', b: '2' });
});

test('regex header: from seldon.io/ambassador-regex-header, split at the first colon only', () => {
  const { config, diagnostics } = compileDeployment(
    deployment('rx', { annotations: { 'seldon.io/ambassador-regex-header': 'x-time:^\\d\\d:\\d\\d$' } }),
    NS,
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(config.mappings[0]?.regex_headers, { 'x-time': '^\\d\\d:\\d\\d$' });
  assert.equal(config.mappings[0]?.headers, undefined);
});

/** Each bad value gives an error naming the annotation and value, at its path; the deployment is left out. */
const BAD: [string, string, string][] = [
  ['seldon.io/rest-timeout', 'abc', 'SDEP_AMB_ANNOTATION_INTEGER'],
  ['seldon.io/grpc-timeout', '1.5', 'SDEP_AMB_ANNOTATION_INTEGER'],
  ['seldon.io/ambassador-retries', 'x', 'SDEP_AMB_ANNOTATION_INTEGER'],
  ['seldon.io/ambassador-circuit-breakers-max-connections', '-1', 'SDEP_AMB_ANNOTATION_INTEGER'],
  ['seldon.io/ambassador-circuit-breakers-max-pending-requests', 'abc', 'SDEP_AMB_ANNOTATION_INTEGER'],
  ['seldon.io/ambassador-header', 'a:b:c', 'SDEP_AMB_HEADER_FORMAT'],
  ['seldon.io/ambassador-header', 'bad header:v', 'SDEP_AMB_HEADER_FORMAT'],
  ['seldon.io/ambassador-regex-header', 'x:(unclosed', 'SDEP_AMB_HEADER_REGEX'],
];

for (const [key, value, code] of BAD) {
  test(`bad annotation ${key}: ${JSON.stringify(value)} is an error naming it`, () => {
    const { config, diagnostics } = compileDeployment(
      deployment('bad', { annotations: { [key]: value } }),
      NS,
    );
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const d = diagnostics[0];
    assert.equal(d?.code, code);
    assert.equal(d?.severity, 'error');
    assert.equal(d?.path, `spec.annotations["${key}"]`);
    assert.match(d?.message ?? '', new RegExp(key.replace(/[.]/g, '\\.')));
    assert.ok(d?.message.includes(JSON.stringify(value)) || d?.message.includes('(unclosed'), d?.message);
    assert.equal(config.mappings.length, 0);
  });
}

test('every bad annotation is reported, not only the first', () => {
  const { diagnostics } = compileDeployment(
    deployment('bad', {
      annotations: {
        'seldon.io/rest-timeout': 'abc',
        'seldon.io/ambassador-retries': 'x',
        'seldon.io/ambassador-header': 'a:b:c',
      },
    }),
    NS,
  );
  assert.equal(diagnostics.length, 3);
});

test('seldon.io/svc-name on a predictor changes the backend service only', () => {
  const { config } = compileDeployment(
    deployment('m', { predictors: [{ name: 'default', annotations: { 'seldon.io/svc-name': 'my-svc' } }] }),
    NS,
  );
  assert.equal(config.mappings[0]?.service, 'my-svc.default:8000');
  assert.equal(config.mappings[0]?.prefix, '/seldon/default/m/');
  assert.equal(config.services?.[0]?.name, 'my-svc');
});

test('a service name over 63 characters becomes seldon-<md5>', () => {
  const longName = 'a'.repeat(40);
  const { config } = compileDeployment(deployment(longName, { predictors: [{ name: 'b'.repeat(30) }] }), NS);
  // md5("aaaa…-bbbb…") computed independently with `printf %s … | md5sum`
  assert.match(config.mappings[0]?.service ?? '', /^seldon-[0-9a-f]{32}\.default:8000$/);
  assert.equal(config.mappings[0]?.service, 'seldon-15d5c245778e720889c41ff9d69192d0.default:8000');
});

test('ssl.certSecretName: a TLSContext whose name the Mappings use', () => {
  const { config } = compileDeployment(
    deployment('m', {
      namespace: 'seldon',
      predictors: [{ name: 'default', ssl: { certSecretName: 'my-cert' } }],
    }),
    NS,
  );
  assert.deepEqual(
    config.tlsContexts.map((t) => [t.name, t.secret, t.hosts]),
    [['seldon_seldon_m_default_tls_config', 'my-cert', []]],
  );
  assert.ok(config.mappings.every((m) => m.tls === 'seldon_seldon_m_default_tls_config'));
});

test('explainer: REST Mappings under /seldon/<ns>/<ext>-explainer/<p>/ on port 9000, no gRPC Mapping', () => {
  const { config } = compileDeployment(
    deployment('income', {
      namespace: 'seldon',
      predictors: [{ name: 'default', explainer: { type: 'AnchorTabular' } }],
    }),
    { singleNamespace: true },
  );
  const explainer = config.mappings.filter((m) => m.origin?.explainer);
  assert.deepEqual(
    explainer.map((m) => [m.name, m.prefix, m.service, m.grpc]),
    [
      [
        'seldon_seldon_income_default-explainer_rest_mapping',
        '/seldon/seldon/income-explainer/default/',
        'income-default-explainer.seldon:9000',
        undefined,
      ],
      [
        'seldon_income_default-explainer_rest_mapping',
        '/seldon/income-explainer/default/',
        'income-default-explainer.seldon:9000',
        undefined,
      ],
    ],
  );
});

test('seldon.io/ambassador-config replaces the generated Mappings, once per deployment', () => {
  const text = [
    'apiVersion: ambassador/v2',
    'kind: Mapping',
    'name: custom_one',
    'prefix: /mycompany/ml/',
    'service: production-model-example.seldon:8000',
    'timeout_ms: 3000',
    '---',
    'apiVersion: ambassador/v1',
    'kind: Mapping',
    'name: custom_two',
    'prefix: /other/',
    'service: other.seldon:8000',
    'ambassador_id: [a, b]',
  ].join('\n');
  const { config, diagnostics } = compileDeployment(
    deployment('production-model', {
      namespace: 'seldon',
      annotations: { 'seldon.io/ambassador-config': text, 'seldon.io/rest-timeout': '9000' },
      predictors: [
        { name: 'a', traffic: 50 },
        { name: 'b', traffic: 50 },
      ],
    }),
    NS,
  );
  assert.deepEqual(
    config.mappings.map((m) => [m.name, m.namespace, m.prefix, m.timeout_ms, m.ambassador_id]),
    [
      ['custom_one', 'seldon', '/mycompany/ml/', 3000, undefined],
      ['custom_two', 'seldon', '/other/', undefined, ['a', 'b']],
    ],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.path]),
    [['SDEP_AMB_CONFIG_OVERRIDES', 'warning', 'spec.annotations["seldon.io/rest-timeout"]']],
  );
});

const BAD_CONFIGS: [string, string, string, string][] = [
  [
    'malformed YAML',
    'kind: Mapping\nprefix: [unclosed',
    'SDEP_AMB_CONFIG_YAML',
    'spec.annotations["seldon.io/ambassador-config"]',
  ],
  [
    'a typo (prefx)',
    'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefx: /a/\nprefix: /a/\nservice: s:80',
    'SDEP_MAPPING_UNKNOWN_FIELD',
    'spec.annotations["seldon.io/ambassador-config"][0].prefx',
  ],
  [
    'a missing service',
    'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefix: /a/',
    'SDEP_MAPPING_FIELD_REQUIRED',
    'spec.annotations["seldon.io/ambassador-config"][0].service',
  ],
  [
    'a string weight',
    'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefix: /a/\nservice: s:80\nweight: "10"',
    'SDEP_MAPPING_FIELD_TYPE',
    'spec.annotations["seldon.io/ambassador-config"][0].weight',
  ],
  [
    'retry_on: reset',
    'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefix: /a/\nservice: s:80\nretry_policy: {retry_on: reset}',
    'SDEP_MAPPING_FIELD_VALUE',
    'spec.annotations["seldon.io/ambassador-config"][0].retry_policy.retry_on',
  ],
  [
    'a second document of another kind',
    'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefix: /a/\nservice: s:80\n---\napiVersion: ambassador/v1\nkind: Module\nname: m',
    'SDEP_MAPPING_KIND',
    'spec.annotations["seldon.io/ambassador-config"][1].kind',
  ],
  [
    'a CRD instead of the annotation form',
    'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: x}\nspec: {prefix: /a/, service: s:80}',
    'SDEP_MAPPING_UNKNOWN_FIELD',
    'spec.annotations["seldon.io/ambassador-config"][0].metadata',
  ],
  ['an empty value', '', 'SDEP_AMB_CONFIG_EMPTY', 'spec.annotations["seldon.io/ambassador-config"]'],
];

for (const [what, text, code, path] of BAD_CONFIGS) {
  test(`seldon.io/ambassador-config with ${what} is an error naming the annotation`, () => {
    const { config, diagnostics } = compileDeployment(
      deployment('c', { annotations: { 'seldon.io/ambassador-config': text } }),
      NS,
    );
    const d = diagnostics.find((x) => x.code === code);
    assert.ok(d, JSON.stringify(diagnostics));
    assert.equal(d.severity, 'error');
    assert.equal(d.path, path);
    assert.match(d.message, /seldon\.io\/ambassador-config/);
    assert.equal(config.mappings.length, 0, 'nothing generated in its place');
  });
}

test('the prefx typo suggests prefix', () => {
  const { diagnostics } = compileDeployment(
    deployment('c', {
      annotations: {
        'seldon.io/ambassador-config':
          'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefx: /a/\nservice: s:80',
      },
    }),
    NS,
  );
  assert.ok(diagnostics.some((d) => d.message.includes('did you mean "prefix"')));
});

test('compileAll: Mapping and backend service conflicts leave the later deployment out', () => {
  // "a-b" + predictor "c" and "a" + predictor "b-c" both need service a-b-c.
  const first = deployment('a-b', { predictors: [{ name: 'c' }] });
  const second = deployment('a', { predictors: [{ name: 'b-c' }] });
  const r = compileAll([first, second], NS);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.resource.includes('default/a ') || d.resource.endsWith('default/a')]),
    [['SDEP_AMB_SERVICE_CONFLICT', true]],
  );
  assert.deepEqual(
    r.deployments.map((d) => d.included),
    [true, false],
  );
  assert.equal(r.config.mappings.length, 2);

  const custom = (n: string) =>
    deployment(n, {
      annotations: {
        'seldon.io/ambassador-config':
          'apiVersion: ambassador/v1\nkind: Mapping\nname: same\nprefix: /x/\nservice: s:80',
      },
    });
  const dup = compileAll([custom('one'), custom('two')], NS);
  assert.ok(
    dup.diagnostics.some((d) => d.code === 'SDEP_MAPPING_DUPLICATE_NAME' && d.message.includes('one')),
  );
  assert.ok(hasErrors(dup.diagnostics));
  assert.equal(dup.config.mappings.length, 1);
});

test('compile is pure: same input, same output, input untouched', () => {
  const spec = deployment('m', { annotations: { 'seldon.io/ambassador-header': 'a:b' } });
  const before = JSON.stringify(spec);
  const a = compileDeployment(spec, { singleNamespace: true });
  const b = compileDeployment(spec, { singleNamespace: true });
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(spec), before);
  assert.notEqual(a.config.mappings[0]?.headers, b.config.mappings[0]?.headers, 'no shared mutable objects');
});
