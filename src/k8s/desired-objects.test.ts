import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import { parseDeploymentText } from '../api/index.js';
import { parseDeployment } from '../api/parse-deployment.js';
import { ambassadorRenderer } from './ambassador-adapter.js';
import { desiredState } from './desired-objects.js';
import { defaultK8sOptions, type K8sOptions } from './k8s-options.js';
import type { KubeObject } from './kube-object.js';
import { renderKubernetes } from './render-kubernetes.js';

const root = new URL('../../', import.meta.url);
const readJson = (p: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(p, root), 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
/** Ambassador 1.x annotation schemas are draft-04 style (`id`, `$schema` ajv does not take): drop those two keys. */
const schema = (p: string): ValidateFunction => {
  const { id: _id, $schema: _s, ...rest } = readJson(p);
  return ajv.compile(rest);
};
const mappingV2 = schema('test/fixtures/ambassador-crds/emissary-3.10.0.Mapping.v2.schema.json');
const mappingV3 = schema('test/fixtures/ambassador-crds/emissary-3.10.0.Mapping.v3alpha1.schema.json');
const annotationV1 = schema(
  'test/fixtures/ambassador-crds/ambassador-1.14.4.annotation-v1.Mapping.schema.json',
);
const annotationV2 = schema(
  'test/fixtures/ambassador-crds/ambassador-1.14.4.annotation-v2.Mapping.schema.json',
);
const tlsSchemas = readJson('test/fixtures/k8s/emissary-3.10.0.TLSContext.schemas.json') as Record<
  string,
  object
>;
const tlsV2 = ajv.compile(tlsSchemas.v2 as object);
const tlsV3 = ajv.compile(tlsSchemas.v3alpha1 as object);

function load(text: string): DeploymentSpec[] {
  const r = parseDeploymentText(text, 'test.yaml');
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return r.specs;
}

const example = (name: string): DeploymentSpec[] =>
  load(readFileSync(new URL(`examples/${name}`, root), 'utf8'));

function state(d: DeploymentSpec, over: Partial<K8sOptions> = {}) {
  return desiredState(d, defaultK8sOptions(over), ambassadorRenderer);
}

function byKind(objs: KubeObject[], kind: string): KubeObject[] {
  return objs.filter((o) => o.kind === kind);
}

/** kubernetes-models throws with the failing paths when an object is not valid. */
function validateK8s(o: KubeObject): void {
  const json = JSON.parse(JSON.stringify(o));
  if (o.kind === 'Deployment') new Deployment(json).validate();
  else if (o.kind === 'Service') new Service(json).validate();
  else if (o.kind === 'ConfigMap') new ConfigMap(json).validate();
  else throw new Error(`no model for ${o.kind}`);
}

function assertValid(v: ValidateFunction, o: unknown, what: string): void {
  assert.ok(v(o), `${what}: ${JSON.stringify(v.errors)}`);
}

function container(dep: KubeObject, name: string): Record<string, unknown> {
  const spec = dep.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  const c = spec.template.spec.containers.find((x) => x.name === name);
  assert.ok(c, `container ${name}`);
  return c;
}

const [canary] = example('canary.yaml') as [DeploymentSpec];

test('canary, v1 form: per predictor a ConfigMap, Deployment and Service, all valid Kubernetes objects', () => {
  const s = state(canary);
  assert.deepEqual(
    s.objects.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'ConfigMap/example-main-sdep',
      'ConfigMap/example-canary-sdep',
      'Deployment/example-main',
      'Deployment/example-canary',
      'Service/example-main',
      'Service/example-canary',
    ],
  );
  for (const o of s.objects) validateK8s(o);
  assert.deepEqual(s.deployments, [
    { name: 'example-main', predictor: 'main', replicas: 1 },
    { name: 'example-canary', predictor: 'canary', replicas: 1 },
  ]);
});

test('Deployment: labels, selector, replicas, executor with ports, probes on /ready and /live, component env', () => {
  const [d] = load(
    readFileSync(new URL('examples/canary.yaml', root), 'utf8').replace(
      'replicas: 1\n    traffic: 75',
      'replicas: 3\n    traffic: 75',
    ),
  );
  const dep = byKind(state(d as DeploymentSpec).objects, 'Deployment')[0] as KubeObject;
  assert.equal(dep.metadata.name, 'example-main');
  assert.deepEqual(dep.metadata.labels, {
    version: 'main',
    'app.kubernetes.io/managed-by': 'sdep',
    'seldon-app': 'example-main',
    'seldon-deployment-id': 'example',
    'seldon-predictor': 'main',
  });
  const spec = dep.spec as Record<string, unknown> & {
    template: { metadata: { labels: Record<string, string> } };
  };
  assert.equal(spec.replicas, 3);
  assert.deepEqual(spec.selector, {
    matchLabels: { 'seldon-app': 'example-main', 'seldon-deployment-id': 'example' },
  });
  // The selector must select the pods.
  for (const [k, v] of Object.entries({ 'seldon-app': 'example-main', 'seldon-deployment-id': 'example' })) {
    assert.equal(spec.template.metadata.labels[k], v);
  }
  const ex = container(dep, 'sdep-executor');
  assert.deepEqual(ex.ports, [
    { name: 'http', containerPort: 8000, protocol: 'TCP' },
    { name: 'grpc', containerPort: 5001, protocol: 'TCP' },
  ]);
  assert.deepEqual((ex.readinessProbe as { httpGet: unknown }).httpGet, { path: '/ready', port: 'http' });
  assert.deepEqual((ex.livenessProbe as { httpGet: unknown }).httpGet, { path: '/live', port: 'http' });
  assert.deepEqual(ex.args, [
    'unit',
    '--deployment',
    '/etc/sdep/deployment.json',
    '--predictor',
    'main',
    '--port',
    '8000',
    '--grpc-port',
    '5001',
    '--host',
    '0.0.0.0',
  ]);
  const cl = container(dep, 'classifier');
  assert.equal(cl.image, 'seldonio/mock_classifier_rest:1.2.1');
  const env = Object.fromEntries((cl.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  assert.equal(env.PREDICTIVE_UNIT_SERVICE_PORT, '9000');
  assert.equal(env.PREDICTIVE_UNIT_ID, 'classifier');
});

test('the unit document in the ConfigMap parses as a one-predictor SeldonDeployment pointing at its container', () => {
  const cm = byKind(state(canary).objects, 'ConfigMap')[1] as KubeObject;
  const doc = JSON.parse((cm.data as Record<string, string>)['deployment.json'] as string);
  const r = parseDeployment(doc, { file: 'cm', index: 0 });
  assert.ok(r.spec, JSON.stringify(r.diagnostics));
  assert.deepEqual(
    r.spec.predictors.map((p) => p.name),
    ['canary'],
  );
  assert.equal(r.spec.predictors[0]?.graph.endpoint.service_host, 'localhost');
  assert.equal(r.spec.predictors[0]?.graph.endpoint.service_port, 9000);
});

test('resources: component containers keep theirs; the executor takes svcOrchSpec.resources', () => {
  const text = `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: res}
spec:
  predictors:
  - name: p
    svcOrchSpec:
      resources: {requests: {cpu: "0.5"}}
    graph: {name: m, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers:
        - name: m
          image: example/model:1
          resources: {limits: {memory: 1Gi}}
`;
  const dep = byKind(state(load(text)[0] as DeploymentSpec).objects, 'Deployment')[0] as KubeObject;
  validateK8s(dep);
  assert.deepEqual(container(dep, 'm').resources, { limits: { memory: '1Gi' } });
  assert.deepEqual(container(dep, 'sdep-executor').resources, { requests: { cpu: '0.5' } });
});

test('Service: REST and gRPC ports, selector, and the v1 getambassador.io/config annotation with valid documents', () => {
  const svcs = byKind(state(canary).objects, 'Service');
  const svc = svcs[1] as KubeObject;
  assert.equal(svc.metadata.name, 'example-canary');
  const spec = svc.spec as { ports: { name: string; port: number }[]; selector: Record<string, string> };
  assert.deepEqual(
    spec.ports.map((p) => [p.name, p.port]),
    [
      ['http', 8000],
      ['grpc', 5001],
    ],
  );
  assert.deepEqual(spec.selector, { 'seldon-app': 'example-canary', 'seldon-deployment-id': 'example' });
  const text = svc.metadata.annotations?.['getambassador.io/config'];
  assert.ok(text);
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d);
  assert.equal(docs.length, 2);
  for (const doc of docs) {
    // Ambassador reads `ambassador/vN` annotations as `getambassador.io/vN` before checking them.
    const asRead = { ...doc, apiVersion: doc.apiVersion.replace(/^ambassador\//, 'getambassador.io/') };
    assertValid(doc.apiVersion === 'ambassador/v1' ? annotationV1 : annotationV2, asRead, doc.name);
    assert.equal(doc.service.startsWith('example-canary.default:'), true);
  }
  assert.deepEqual(
    docs.map((d) => [d.name, d.weight]),
    [
      ['seldon_default_example_canary_rest_mapping', 25],
      ['seldon_default_example_canary_grpc_mapping', 25],
    ],
  );
});

for (const api of ['v2', 'v3alpha1'] as const) {
  test(`${api} form: Mapping resources valid against Emissary's schema, labelled, and no annotation`, () => {
    const s = state(canary, { ambassadorApi: api });
    const maps = byKind(s.objects, 'Mapping');
    assert.equal(maps.length, 4);
    for (const m of maps) {
      assert.equal(m.apiVersion, `getambassador.io/${api}`);
      assertValid(api === 'v2' ? mappingV2 : mappingV3, m, m.metadata.name);
      assert.equal(m.metadata.labels?.['seldon-deployment-id'], 'example');
      assert.equal(m.metadata.labels?.['app.kubernetes.io/managed-by'], 'sdep');
    }
    assert.deepEqual(
      maps.map((m) => (m.spec as { service: string }).service),
      [
        'example-main.default:8000',
        'example-main.default:5001',
        'example-canary.default:8000',
        'example-canary.default:5001',
      ],
    );
    for (const svc of byKind(s.objects, 'Service')) assert.equal(svc.metadata.annotations, undefined);
  });
}

const tlsText = `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: secure, namespace: prod, uid: 1234-abcd}
spec:
  predictors:
  - name: main
    ssl: {certSecretName: my-cert}
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: seldonio/mock_classifier:1.18.2}]
`;

test('TLSContext: a predictor with ssl.certSecretName gets one, named by its Mappings, in every form', () => {
  const [d] = load(tlsText) as [DeploymentSpec];
  for (const api of ['v2', 'v3alpha1'] as const) {
    const s = state(d, { ambassadorApi: api });
    const [tls] = byKind(s.objects, 'TLSContext');
    assert.ok(tls, api);
    assertValid(api === 'v2' ? tlsV2 : tlsV3, tls, `${api} TLSContext`);
    assert.equal((tls.spec as { secret: string }).secret, 'my-cert');
    for (const m of byKind(s.objects, 'Mapping'))
      assert.equal((m.spec as { tls: string }).tls, tls.metadata.name);
  }
  const svc = byKind(state(d).objects, 'Service')[0] as KubeObject;
  const docs = parseAllDocuments(svc.metadata.annotations?.['getambassador.io/config'] ?? '')
    .map((x) => x.toJS())
    .filter((x) => x);
  const tlsDoc = docs.find((x) => x.kind === 'TLSContext');
  assert.ok(tlsDoc);
  assert.equal(tlsDoc.secret, 'my-cert');
});

test('ownerReferences point at the SeldonDeployment when it has a uid, and are absent otherwise', () => {
  const [d] = load(tlsText) as [DeploymentSpec];
  for (const o of state(d, { ambassadorApi: 'v2' }).objects) {
    assert.deepEqual(o.metadata.ownerReferences, [
      {
        apiVersion: 'machinelearning.seldon.io/v1',
        kind: 'SeldonDeployment',
        name: 'secure',
        uid: '1234-abcd',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(o.metadata.namespace, 'prod');
  }
  for (const o of state(canary).objects) assert.equal(o.metadata.ownerReferences, undefined);
});

test('long names are shortened to seldon-<md5> within 63 characters, as Seldon Core does', () => {
  const name = `a${'b'.repeat(60)}`;
  const text = readFileSync(new URL('examples/canary.yaml', root), 'utf8').replace(
    'name: example',
    `name: ${name}`,
  );
  const [d] = load(text) as [DeploymentSpec];
  const s = state(d, { ambassadorApi: 'v3alpha1' });
  for (const o of s.objects) {
    if (o.kind !== 'ConfigMap' && o.kind !== 'Mapping')
      assert.ok(o.metadata.name.length <= 63, o.metadata.name);
    for (const v of Object.values(o.metadata.labels ?? {})) assert.ok(v.length <= 63, v);
    if (o.kind !== 'Mapping') validateK8s(o);
  }
  const dep = byKind(s.objects, 'Deployment')[0] as KubeObject;
  assert.match(dep.metadata.name, /^seldon-[0-9a-f]{32}$/);
  // The Mapping's backend is the Service that exists.
  const svcNames = new Set(byKind(s.objects, 'Service').map((o) => o.metadata.name));
  for (const m of byKind(s.objects, 'Mapping')) {
    assert.ok(svcNames.has((m.spec as { service: string }).service.split('.')[0] as string));
  }
});

test('a component port that collides with the executor is an error with its field path', () => {
  const text = tlsText.replace(
    '[{name: classifier, image: seldonio/mock_classifier:1.18.2}]',
    '[{name: classifier, image: x/y:1, ports: [{containerPort: 8000}]}]',
  );
  const s = state(load(text)[0] as DeploymentSpec);
  const d = s.diagnostics.find((x) => x.code === 'SDEP_K8S_PORT_CONFLICT');
  assert.ok(d);
  assert.equal(d.path, 'spec.predictors[0].componentSpecs[0].spec.containers[0].ports');
});

test('renderKubernetes: a YAML stream of every object, the same bytes each time', () => {
  const specs = [...example('canary.yaml'), ...example('shadow.yaml')];
  const a = renderKubernetes(specs, defaultK8sOptions({ ambassadorApi: 'v2' }));
  const b = renderKubernetes(specs, defaultK8sOptions({ ambassadorApi: 'v2' }));
  assert.equal(a.yaml, b.yaml);
  const docs = parseAllDocuments(a.yaml).map((x) => x.toJS());
  assert.equal(docs.length, a.objects.length);
  assert.deepEqual(docs, JSON.parse(JSON.stringify(a.objects)));
  assert.ok(a.objects.some((o) => o.kind === 'Mapping' && o.metadata.name.includes('shadow')));
});

const mappingV2Ambassador1 = schema('test/fixtures/ambassador-crds/ambassador-1.14.4.Mapping.v2.schema.json');

test('every example, in every form: each object valid against the Kubernetes schema, Mappings and TLSContexts against Ambassador 1.14 / Emissary 3.10, annotations against the annotation schemas', () => {
  const files = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 7);
  let checked = 0;
  for (const f of files) {
    for (const d of example(f)) {
      for (const api of ['v1', 'v2', 'v3alpha1'] as const) {
        const s = state(d, { ambassadorApi: api });
        assert.deepEqual(
          s.diagnostics.filter((x) => x.severity === 'error'),
          [],
          `${f} ${api}`,
        );
        for (const o of s.objects) {
          const what = `${f} ${api} ${o.kind}/${o.metadata.name}`;
          if (o.kind === 'Mapping') {
            if (api === 'v2') {
              assertValid(mappingV2, o, `${what} (Emissary 3.10 v2)`);
              assertValid(mappingV2Ambassador1, o, `${what} (Ambassador 1.14 v2)`);
            } else assertValid(mappingV3, o, what);
          } else if (o.kind === 'TLSContext') assertValid(api === 'v2' ? tlsV2 : tlsV3, o, what);
          else validateK8s(o);
          const text = o.metadata.annotations?.['getambassador.io/config'];
          if (text !== undefined) {
            for (const doc of parseAllDocuments(text).map((x) => x.toJS())) {
              if (!doc) continue;
              const asRead = {
                ...doc,
                apiVersion: doc.apiVersion.replace(/^ambassador\//, 'getambassador.io/'),
              };
              if (doc.kind === 'Mapping')
                assertValid(doc.apiVersion === 'ambassador/v1' ? annotationV1 : annotationV2, asRead, what);
            }
          }
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 50, String(checked));
});

test('a custom Mapping in another namespace is an error as a resource (it could not be owned), fine in the v1 annotation', () => {
  const text = readFileSync(new URL('examples/custom-config.yaml', root), 'utf8').replace(
    '      prefix: /mycompany/ml/',
    '      namespace: elsewhere\n      prefix: /mycompany/ml/',
  );
  const [d] = load(text) as [DeploymentSpec];
  for (const api of ['v2', 'v3alpha1'] as const) {
    const s = state(d, { ambassadorApi: api });
    const e = s.diagnostics.find((x) => x.code === 'SDEP_K8S_CROSS_NAMESPACE');
    assert.ok(e, api);
    assert.equal(e.severity, 'error');
    assert.match(e.path, /ambassador-config/);
    assert.match(e.message, /"elsewhere".*"seldon"/);
  }
  assert.equal(
    state(d).diagnostics.some((x) => x.code === 'SDEP_K8S_CROSS_NAMESPACE'),
    false,
  );
  // Without the namespace field the Mapping lands in the deployment's namespace.
  const [ok] = example('custom-config.yaml') as [DeploymentSpec];
  const maps = byKind(state(ok, { ambassadorApi: 'v2' }).objects, 'Mapping');
  assert.deepEqual(
    maps.map((m) => m.metadata.namespace),
    ['seldon'],
  );
});
