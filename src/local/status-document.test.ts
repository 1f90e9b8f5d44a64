import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServePipeline } from './serve-pipeline.js';
import { buildStatusDocument } from './status-document.js';

const CANARY = fileURLToPath(new URL('../../examples/canary.yaml', import.meta.url));
const SHADOW = fileURLToPath(new URL('../../examples/shadow.yaml', import.meta.url));

test('each predictor lists the gateway clusters that send to it (the dashboard joins traffic on them)', async () => {
  const pipeline = createServePipeline({ singleNamespace: true, ambassadorId: 'default' });
  const loaded = await pipeline.load([CANARY, SHADOW]);
  const compiled = pipeline.compile(loaded.specs);
  const table = pipeline.buildTable(compiled.mappings);
  const input = {
    generation: 1,
    servingGeneration: 1,
    reconciling: false,
    ambassadorId: 'default',
    urls: {},
    specs: compiled.included,
    table,
    diagnostics: [],
    keptFiles: [],
    instances: [],
    naming: pipeline.naming,
    desiredHash: new Map<string, string>(),
  };
  const doc = buildStatusDocument(input);
  const predictor = (d: string, p: string) =>
    doc.deployments.find((x) => x.name === d)?.predictors.find((x) => x.name === p);
  const canary = predictor('example', 'canary')!;
  assert.ok(canary.clusters.length >= 1);
  for (const c of canary.clusters)
    assert.equal(table.clusters.get(c)?.service.startsWith('example-canary.'), true);
  const shadow = predictor('shadow-example', 'shadow')!;
  const route = doc.routes.find((r) => r.prefix === '/seldon/shadow-example/');
  assert.ok(
    route?.mirror && shadow.clusters.includes(route.mirror.cluster),
    'the mirror cluster is the shadow’s',
  );
  const main = predictor('shadow-example', 'main')!;
  assert.ok(route.targets.every((t) => main.clusters.includes(t.cluster)));
  const untabled = buildStatusDocument({ ...input, table: undefined });
  assert.deepEqual(untabled.deployments[0]?.predictors[0]?.clusters, [], 'no table, no clusters');
});
