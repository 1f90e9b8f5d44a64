import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeploymentText } from '../api/index.js';
import { unrunnableDiagnostics } from './local-runnable.js';
import { createServePipeline } from './serve-pipeline.js';

const text = `
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: mixed}
spec:
  predictors:
  - name: main
    graph:
      name: prep
      type: TRANSFORMER
      children:
      - {name: clf, type: MODEL}
      - {name: sk, type: MODEL, implementation: SKLEARN_SERVER, modelUri: gs://bucket/model}
    componentSpecs:
    - spec:
        containers:
        - {name: prep, image: myorg/prep:1, command: ["node", "prep.mjs"]}
        - {name: clf, image: myorg/sklearn-iris:0.3}
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: fine}
spec:
  predictors:
  - name: main
    graph: {name: clf, type: MODEL}
    componentSpecs: [{spec: {containers: [{name: clf, image: seldonio/mock_classifier:1.18.2}]}}]
`;

test('an image with no command and a prepackaged server sdep lacks are errors at their fields', () => {
  const { specs } = parseDeploymentText(text, 'mixed.yaml');
  const ds = unrunnableDiagnostics(specs[0]!);
  assert.deepEqual(
    ds.map((d) => [d.code, d.path]),
    [
      ['SDEP_LOCAL_CANNOT_RUN', 'spec.predictors[0].componentSpecs[0].spec.containers[1].image'],
      ['SDEP_LOCAL_CANNOT_RUN', 'spec.predictors[0].graph.children[1].implementation'],
    ],
  );
  assert.match(ds[0]!.message, /cannot run image myorg\/sklearn-iris:0\.3 locally/);
  assert.match(ds[0]!.resource, /^mixed\.yaml#0 SeldonDeployment default\/mixed$/);
  assert.deepEqual(unrunnableDiagnostics(specs[1]!), []);
});

test('serve leaves the unrunnable deployment out (no Mappings, no units) and keeps the others', () => {
  const { specs } = parseDeploymentText(text, 'mixed.yaml');
  const compiled = createServePipeline({ singleNamespace: true, ambassadorId: 'default' }).compile(specs);
  assert.deepEqual(
    compiled.included.map((s) => s.name),
    ['fine'],
  );
  assert.ok(compiled.mappings.every((m) => !m.service.startsWith('mixed-')));
  assert.equal(compiled.diagnostics.filter((d) => d.code === 'SDEP_LOCAL_CANNOT_RUN').length, 2);
});
