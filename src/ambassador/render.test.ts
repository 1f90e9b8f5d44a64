import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { AmbassadorConfig, Mapping } from './mapping.js';
import { k8sName } from './names.js';
import { renderAmbassador, renderObjects } from './render.js';
import { v1AnnotationText } from './render-v1.js';

type Obj = Record<string, unknown>;
const source = { file: 'x.yaml', index: 0 };

function generated(overrides: Partial<Mapping> = {}): Mapping {
  return {
    name: 'seldon_seldon_m_p_rest_mapping',
    namespace: 'seldon',
    prefix: '/seldon/seldon/m/',
    rewrite: '/',
    service: 'm-p.seldon:8000',
    timeout_ms: 3000,
    origin: { source, resource: 'SeldonDeployment seldon/m', predictor: 'p' },
    ...overrides,
  };
}

function config(mappings: Mapping[], extra: Partial<AmbassadorConfig> = {}): AmbassadorConfig {
  return { mappings, tlsContexts: [], ...extra };
}

test('k8sName: Seldon v2 names from annotation names; valid names kept', () => {
  assert.equal(k8sName('seldon_seldon_m_p_rest_mapping'), 'seldon-seldon-m-p-rest');
  assert.equal(k8sName('seldon_ns_d_p-explainer_rest_mapping'), 'seldon-ns-d-p-explainer-rest');
  assert.equal(k8sName('seldon_ns_d_p_tls_config'), 'seldon-ns-d-p-tls-config');
  assert.equal(k8sName('already-valid'), 'already-valid');
  assert.equal(k8sName('Upper_Case'), 'upper-case');
});

test('v3alpha1: hostname "*" always, presence matches as regex ".*", ambassador_id a non-empty list', () => {
  const m = generated({
    headers: { location: 'london', 'x-canary': true },
    ambassador_id: ['my_instance'],
    tls: 'seldon_seldon_m_p_tls_config',
  });
  const [o] = renderObjects(config([m, generated({ name: 'n', ambassador_id: [] })]), { format: 'v3alpha1' });
  const spec = (o as Obj).spec as Obj;
  assert.equal((o as Obj).apiVersion, 'getambassador.io/v3alpha1');
  assert.equal(spec.hostname, '*');
  assert.deepEqual(spec.headers, { location: 'london' });
  assert.deepEqual(spec.regex_headers, { 'x-canary': '.*' });
  assert.deepEqual(spec.ambassador_id, ['my_instance']);
  assert.equal(spec.tls, 'seldon-seldon-m-p-tls-config');
  assert.equal(spec.cluster_tag, 'seldon_http');
  const second = renderObjects(config([generated({ name: 'n', ambassador_id: [] })]), {
    format: 'v3alpha1',
  })[0];
  assert.equal(((second as Obj).spec as Obj).ambassador_id, undefined, 'never an empty list');
  const withHost = renderObjects(config([generated({ host: 'example.com' })]), { format: 'v3alpha1' })[0];
  assert.equal(((withHost as Obj).spec as Obj).hostname, 'example.com');
  assert.equal(((withHost as Obj).spec as Obj).host, undefined);
});

test('v2: TLSContext CRD named as the Mappings reference it; seldon-deployment-id label', () => {
  const objects = renderObjects(
    config([generated({ tls: 'seldon_seldon_m_p_tls_config' })], {
      tlsContexts: [
        {
          name: 'seldon_seldon_m_p_tls_config',
          namespace: 'seldon',
          hosts: [],
          secret: 'my-cert',
          origin: { source, resource: 'SeldonDeployment seldon/m', predictor: 'p' },
        },
      ],
    }),
    { format: 'v2' },
  );
  const [mapping, tls] = objects as [Obj, Obj];
  assert.equal((mapping.spec as Obj).tls, (tls.metadata as Obj).name);
  assert.deepEqual(tls, {
    apiVersion: 'getambassador.io/v2',
    kind: 'TLSContext',
    metadata: {
      name: 'seldon-seldon-m-p-tls-config',
      namespace: 'seldon',
      labels: { 'seldon-deployment-id': 'm' },
    },
    spec: { hosts: [], secret: 'my-cert' },
  });
});

test('--ambassador-id sets ambassador_id on every Mapping and TLSContext in every form', () => {
  const c = config([generated(), generated({ name: 'other', ambassador_id: ['old'] })], {
    tlsContexts: [{ name: 't', namespace: 'seldon', hosts: [], secret: 's' }],
  });
  for (const format of ['v2', 'v3alpha1'] as const) {
    for (const o of renderObjects(c, { format, ambassadorId: 'edge' })) {
      assert.deepEqual((o.spec as Obj).ambassador_id, ['edge'], format);
    }
  }
  const text = renderAmbassador(c, { format: 'ambassador-v1', ambassadorId: 'edge' });
  assert.equal(text.match(/ambassador_id: edge/g)?.length, 3);
  assert.deepEqual(c.mappings[1]?.ambassador_id, ['old'], 'the input config is not changed');
});

test('ambassador-v1: custom Mappings go once, on the first predictor Service; loose Mappings get a carrier', () => {
  const origin = { source, resource: 'SeldonDeployment seldon/m' };
  const svc = (predictor: string) => ({
    name: `m-${predictor}`,
    namespace: 'seldon',
    selector: { 'seldon-app': `m-${predictor}` },
    ports: [{ name: 'http', port: 8000 }],
    origin: { ...origin, predictor },
  });
  const custom: Mapping = {
    name: 'custom',
    namespace: 'seldon',
    prefix: '/c/',
    service: 'm-a.seldon:8000',
    origin,
  };
  const loose: Mapping = {
    name: 'loose',
    namespace: 'other',
    prefix: '/l/',
    service: 'l:80',
    origin: { source, resource: 'Mapping other/loose' },
  };
  const objects = renderObjects(config([custom, loose], { services: [svc('a'), svc('b')] }), {
    format: 'ambassador-v1',
  });
  const annotations = objects.map((o) => [
    (o.metadata as Obj).name,
    ((o.metadata as Obj).annotations as Record<string, string>)['getambassador.io/config'],
  ]);
  assert.deepEqual(annotations, [
    [
      'm-a',
      '---\napiVersion: ambassador/v1\nkind: Mapping\nname: custom\nprefix: /c/\nservice: m-a.seldon:8000\n',
    ],
    [
      'sdep-ambassador-config',
      '---\napiVersion: ambassador/v1\nkind: Mapping\nname: loose\nprefix: /l/\nservice: l:80\n',
    ],
  ]);
  assert.equal((objects[1]!.metadata as Obj).namespace, 'other');
});

test('ambassador-v1: fields only Ambassador v2 knows switch the document to ambassador/v2', () => {
  const text = v1AnnotationText([generated({ query_parameters: { debug: 'true' } })], []);
  assert.match(text, /^---\napiVersion: ambassador\/v2\n/);
  assert.match(v1AnnotationText([generated()], []), /^---\napiVersion: ambassador\/v1\n/);
});

test('renders are valid multi-document YAML and deterministic', () => {
  const c = config([generated({ headers: { b: '2', a: '1' } }), generated({ name: 'g', grpc: true })]);
  for (const format of ['ambassador-v1', 'v2', 'v3alpha1'] as const) {
    const text = renderAmbassador(c, { format });
    assert.equal(text, renderAmbassador(structuredClone(c), { format }));
    const docs = parseAllDocuments(text);
    assert.ok(Array.isArray(docs));
    for (const d of docs) assert.deepEqual(d.errors, []);
  }
  assert.match(
    renderAmbassador(c, { format: 'v2' }),
    /headers:\n {4}a: "1"\n {4}b: "2"\n/,
    'header keys sorted',
  );
  assert.equal(renderAmbassador(config([]), { format: 'v2' }), '');
});
