/**
 * Every Mapping we render, for every example deployment and every conformance
 * vector, in both Mapping sets, validates against real Ambassador/Emissary
 * schemas (copied into test/fixtures/ambassador-crds/, see its README):
 * v2 CRDs against Ambassador 1.14.4 and Emissary 3.10.0 v2, v3alpha1 CRDs
 * against Emissary 3.10.0 v3alpha1, annotation documents against Ambassador
 * 1.14.4's annotation schema (closed: a stray field fails). And what we render
 * loads back through loadMappings/parseMappingText to the same Mappings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { compileDeployment } from '../../src/ambassador/compile.js';
import { parseMappingText } from '../../src/ambassador/load-mappings.js';
import type { Mapping } from '../../src/ambassador/mapping.js';
import { RENDER_FORMATS, renderAmbassador, renderObjects } from '../../src/ambassador/render.js';
import type { DeploymentSpec } from '../../src/api/deployment-spec.js';
import { loadDeployments, parseDeployment } from '../../src/api/index.js';

type Obj = Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true });
function schema(file: string): ValidateFunction {
  const s = JSON.parse(readFileSync(new URL(`../fixtures/ambassador-crds/${file}`, import.meta.url), 'utf8'));
  // The annotation schemas name a draft by a URL ajv does not bundle, and use draft-04's `id`.
  delete s.$schema;
  delete s.id;
  return ajv.compile(s);
}

const SCHEMAS = {
  v2: [schema('ambassador-1.14.4.Mapping.v2.schema.json'), schema('emissary-3.10.0.Mapping.v2.schema.json')],
  v3alpha1: [schema('emissary-3.10.0.Mapping.v3alpha1.schema.json')],
  annotationV1: schema('ambassador-1.14.4.annotation-v1.Mapping.schema.json'),
  annotationV2: schema('ambassador-1.14.4.annotation-v2.Mapping.schema.json'),
};

function check(validate: ValidateFunction, doc: unknown, what: string): void {
  assert.ok(validate(doc), `${what}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(doc)}`);
}

interface Case {
  name: string;
  spec: DeploymentSpec;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  const examples = await loadDeployments([new URL('../../examples', import.meta.url).pathname]);
  assert.deepEqual(examples.diagnostics, []);
  assert.ok(examples.specs.length >= 7);
  for (const spec of examples.specs) out.push({ name: `example ${spec.name}`, spec });
  const vectors = JSON.parse(
    readFileSync(new URL('./ambassador/seldon-ambassador-vectors.json', import.meta.url), 'utf8'),
  ) as { name: string; input: { sdep: { spec: { predictors: Obj[] } } } }[];
  for (const v of vectors) {
    const sdep = structuredClone(v.input.sdep);
    for (const p of sdep.spec.predictors) {
      p.graph ??= { name: 'classifier', type: 'MODEL', children: [] };
      p.componentSpecs ??= [
        { spec: { containers: [{ name: 'classifier', image: 'seldonio/mock_classifier:1.18.2' }] } },
      ];
    }
    const r = parseDeployment(sdep, { file: v.name, index: 0 });
    if (r.spec) out.push({ name: `vector ${v.name}`, spec: r.spec });
  }
  return out;
}

const ALL = await cases();

/** The IR fields a render carries (origin is provenance; cluster_tag is added for v2/v3 CRDs). */
function comparable(m: Mapping): Obj {
  const { origin: _o, cluster_tag: _c, ...rest } = m;
  return rest;
}

for (const singleNamespace of [false, true]) {
  const mode = singleNamespace ? 'single-namespace' : 'namespaced';

  test(`${mode}: v2 and v3alpha1 Mapping CRDs validate against the Ambassador and Emissary schemas`, () => {
    let count = 0;
    for (const c of ALL) {
      const { config } = compileDeployment(c.spec, { singleNamespace });
      for (const format of ['v2', 'v3alpha1'] as const) {
        for (const o of renderObjects(config, { format })) {
          if (o.kind !== 'Mapping') continue;
          for (const validate of SCHEMAS[format]) check(validate, o, `${c.name} ${format}`);
          if (format === 'v3alpha1') {
            const spec = o.spec as Obj;
            assert.equal(
              typeof spec.hostname,
              'string',
              `${c.name}: v3alpha1 without hostname is never routed`,
            );
            if (spec.ambassador_id !== undefined) assert.ok((spec.ambassador_id as string[]).length > 0);
          }
          count++;
        }
      }
    }
    assert.ok(count > 200, `only ${count} Mappings checked`);
  });

  test(`${mode}: ambassador/v1 annotation documents validate against Ambassador 1.14.4's closed schema`, () => {
    let count = 0;
    for (const c of ALL) {
      const { config } = compileDeployment(c.spec, { singleNamespace });
      for (const svc of renderObjects(config, { format: 'ambassador-v1' })) {
        const text = (svc.metadata as { annotations: Record<string, string> }).annotations[
          'getambassador.io/config'
        ];
        for (const part of (text ?? '').split(/^---\n/m).slice(1)) {
          if (part === '') continue;
          const doc = parseYaml(part) as Obj;
          if (doc.kind !== 'Mapping') continue;
          // Ambassador rewrites `ambassador/vN` to `getambassador.io/vN` before checking the schema.
          const v2 = doc.apiVersion === 'ambassador/v2';
          const validate = v2 ? SCHEMAS.annotationV2 : SCHEMAS.annotationV1;
          check(validate, { ...doc, apiVersion: v2 ? 'getambassador.io/v2' : 'getambassador.io/v1' }, c.name);
          count++;
        }
      }
    }
    assert.ok(count > 100, `only ${count} documents checked`);
  });

  test(`${mode}: every render form loads back to the same Mappings and TLSContexts`, () => {
    for (const c of ALL) {
      const { config } = compileDeployment(c.spec, { singleNamespace });
      for (const format of RENDER_FORMATS) {
        const loaded = parseMappingText(renderAmbassador(config, { format }), `${c.name}.${format}.yaml`);
        assert.deepEqual(
          loaded.diagnostics.filter((d) => d.severity === 'error'),
          [],
          `${c.name} ${format}`,
        );
        const back = loaded.mappings.map(comparable);
        const want = config.mappings.map(comparable);
        if (format === 'ambassador-v1') {
          assert.deepEqual(back, want, `${c.name} ${format}`);
        } else {
          // CRD names are DNS-1123 (k8sName), and v3alpha1 always carries a hostname.
          assert.equal(back.length, want.length, `${c.name} ${format}`);
          for (const [i, m] of back.entries()) {
            const w = want[i] as Obj;
            assert.equal(m.prefix, w.prefix);
            assert.equal(m.service, w.service);
            assert.equal(m.weight, w.weight);
            assert.equal(m.shadow, w.shadow);
            assert.deepEqual(m.ambassador_id, w.ambassador_id);
            if (format === 'v3alpha1') assert.equal(m.hostname, '*');
            else assert.deepEqual(m.headers, w.headers);
          }
        }
        assert.equal(loaded.tlsContexts.length, config.tlsContexts.length, `${c.name} ${format} TLSContexts`);
      }
    }
  });
}
