import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { type OpenApiSchema, seldonDeploymentOpenApiSchema } from './crd-schema.js';

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/** Kubernetes structural-schema rules that matter here: a type everywhere (or preserve), no $ref, no patternProperties. */
function structuralProblems(s: OpenApiSchema, path: string, out: string[]): string[] {
  if (s.type === undefined && s[PRESERVE] !== true) out.push(`${path}: no type`);
  for (const k of ['$ref', '$id', 'patternProperties', 'anyOf', 'oneOf'])
    if (k in s) out.push(`${path}: has ${k}`);
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, OpenApiSchema>))
    structuralProblems(v, `${path}.${k}`, out);
  if (s.items) structuralProblems(s.items as OpenApiSchema, `${path}[]`, out);
  if (typeof s.additionalProperties === 'object')
    structuralProblems(s.additionalProperties as OpenApiSchema, `${path}{}`, out);
  return out;
}

function graphAt(schema: OpenApiSchema, depth: number): OpenApiSchema {
  const spec = (schema.properties as Record<string, OpenApiSchema>).spec!;
  const predictors = (spec.properties as Record<string, OpenApiSchema>).predictors!;
  let node = ((predictors.items as OpenApiSchema).properties as Record<string, OpenApiSchema>).graph!;
  for (let i = 1; i < depth; i++)
    node = ((node.properties as Record<string, OpenApiSchema>).children!.items ?? {}) as OpenApiSchema;
  return node;
}

test('the CRD schema is structural and JSON-serialisable', () => {
  const s = seldonDeploymentOpenApiSchema();
  assert.deepEqual(structuralProblems(s, '', []), []);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  assert.deepEqual((s.properties as Record<string, OpenApiSchema>).metadata, { type: 'object' });
});

test('the graph is unrolled to the given depth, then preserved unchecked', () => {
  const s = seldonDeploymentOpenApiSchema(3);
  assert.ok((graphAt(s, 3).properties as Record<string, unknown>).name);
  assert.deepEqual(graphAt(s, 4), { type: 'object', [PRESERVE]: true });
});

test('every example validates against the CRD schema; a wrong type does not', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(seldonDeploymentOpenApiSchema());
  const dir = join(import.meta.dirname, '..', '..', 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as {
      spec: { predictors: Record<string, unknown>[] };
    };
    assert.ok(validate(doc), `${f}: ${JSON.stringify(validate.errors)}`);
    doc.spec.predictors[0]!.traffic = 'lots';
    assert.equal(validate(doc), false, f);
  }
});
