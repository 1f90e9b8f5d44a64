import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseMappingText } from '../ambassador/index.js';
import { desiredUnits } from './desired-units.js';
import { routedUnits } from './routed-units.js';
import { createServePipeline } from './serve-pipeline.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

async function unitsFor(ambassadorId: string, extraMappings = '') {
  const pipeline = createServePipeline({ singleNamespace: true, ambassadorId });
  const loaded = await pipeline.load([examples]);
  const compiled = pipeline.compile(loaded.specs);
  const extra = extraMappings ? parseMappingText(extraMappings, 'extra.yaml').mappings : [];
  const table = pipeline.buildTable([...compiled.mappings, ...(loaded.mappings ?? []), ...extra]);
  const all = desiredUnits(compiled.included, pipeline.naming);
  return { all, routed: routedUnits(all, table) };
}

test('the default instance runs every example predictor except the one only my_instance routes', async () => {
  const { all, routed } = await unitsFor('default');
  assert.ok(all.some((u) => u.deployment === 'multi-ambassadors'));
  assert.deepEqual(
    all.filter((u) => !routed.includes(u)).map((u) => u.id),
    ['default/multi-ambassadors/default/0'],
  );
  // the shadow predictor is reached only through the mirror, and still runs
  assert.ok(routed.some((u) => u.id === 'default/shadow-example/shadow/0'));
  // the custom ambassador-config Mapping names the service itself
  assert.ok(routed.some((u) => u.deployment === 'production-model'));
});

test('an instance with its own ambassador_id runs only what its Mappings reach', async () => {
  const { routed } = await unitsFor('my_instance');
  assert.deepEqual(
    routed.map((u) => u.id),
    ['default/multi-ambassadors/default/0'],
  );
});

test('a hand-written Mapping naming a bare service (no namespace) keeps that predictor running', async () => {
  const { routed } = await unitsFor(
    'other',
    [
      'apiVersion: getambassador.io/v2',
      'kind: Mapping',
      'metadata: {name: by-hand}',
      'spec:',
      '  ambassador_id: [other]',
      '  prefix: /by-hand/',
      '  service: mymodel-default:8000',
    ].join('\n'),
  );
  assert.deepEqual(
    routed.map((u) => u.id),
    ['default/mymodel/default/0'],
  );
});
