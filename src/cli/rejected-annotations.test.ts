import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentsFromDocuments, parseResourceText } from '../api/index.js';
import { rejectedAnnotationDiagnostics } from './rejected-annotations.js';

const doc = (annotations: string) => `
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: bad}
spec:
  annotations: {${annotations}}
  predictors:
  - name: main
    traffic: 60
    graph: {name: classifier, type: MODEL, children: []}
    componentSpecs: [{spec: {containers: [{name: classifier, image: seldonio/mock_classifier:1.18.2}]}}]
  - name: canary
    traffic: 30
    graph: {name: classifier, type: MODEL, children: []}
    componentSpecs: [{spec: {containers: [{name: classifier, image: seldonio/mock_classifier:1.18.2}]}}]
`;

function run(text: string) {
  const parsed = parseResourceText(text, 'bad.yaml');
  const loaded = deploymentsFromDocuments(parsed.documents);
  return { api: loaded.diagnostics, extra: rejectedAnnotationDiagnostics(parsed.documents, loaded.specs) };
}

test('a deployment rejected for its traffic still gets its annotation errors, with paths', () => {
  const { api, extra } = run(doc('"seldon.io/rest-timeout": "abc", "seldon.io/ambassador-retries": "-1"'));
  assert.ok(api.some((d) => d.code === 'SDEP_TRAFFIC_SUM'));
  assert.deepEqual(
    extra.map((d) => [d.code, d.path]),
    [
      ['SDEP_AMB_ANNOTATION_INTEGER', 'spec.annotations["seldon.io/rest-timeout"]'],
      ['SDEP_AMB_ANNOTATION_INTEGER', 'spec.annotations["seldon.io/ambassador-retries"]'],
    ],
  );
  assert.match(extra[0]?.resource ?? '', /^bad\.yaml#0 SeldonDeployment default\/bad$/);
});

test('a malformed ambassador-config on a rejected deployment is reported; accepted ones are left to the compiler', () => {
  const { extra } = run(doc('"seldon.io/ambassador-config": "prefix: [unclosed"'));
  assert.deepEqual(
    extra.map((d) => d.code),
    ['SDEP_AMB_CONFIG_YAML'],
  );
  const fixed = doc('"seldon.io/rest-timeout": "abc"').replace('traffic: 60', 'traffic: 70');
  assert.deepEqual(run(fixed).extra, []);
});
