import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentSpec, modelNode, predictorSpec } from '../../test/fixtures/deployment-spec.js';
import { readUnitSpec, unitSpecText } from './unit-spec.js';

const spec = deploymentSpec({
  source: { file: '/tmp/serve/u.json', index: 0 },
  name: 'mymodel',
  namespace: 'seldon',
  annotations: { 'seldon.io/executor': 'true' },
  predictors: [
    predictorSpec('default', {
      graph: modelNode('classifier', {
        parameters: [{ name: 'k', type: 'JSON', value: '{"a":[1,2]}', parsed: { a: [1, 2] } }],
      }),
      labels: { version: 'default' },
    }),
  ],
});

const doc = (over: Record<string, unknown>) =>
  JSON.stringify({ kind: 'sdep/unit-spec', version: 1, deployment: spec, ...over });

test('a unit spec reads back as the DeploymentSpec written, parsed parameter values included', () => {
  assert.deepEqual(readUnitSpec(unitSpecText(spec), 'u.json'), spec);
});

test('anything else is refused with the file, the field at fault and where a SeldonDeployment goes', () => {
  const cases: [string, string][] = [
    ['{', '(document): not JSON'],
    ['[1]', '(document): not a JSON object'],
    [
      JSON.stringify({ apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment' }),
      'kind: expected "sdep/unit-spec"',
    ],
    [doc({ version: 2 }), 'version: expected 1, got 2'],
    [doc({ deployment: [] }), 'deployment: not an object'],
    [doc({ deployment: { ...spec, name: '' } }), 'deployment.name: not a non-empty string'],
    [doc({ deployment: { ...spec, namespace: 3 } }), 'deployment.namespace: not a non-empty string'],
    [doc({ deployment: { ...spec, source: 'x' } }), 'deployment.source.file: not a string'],
    [doc({ deployment: { ...spec, predictors: [] } }), 'deployment.predictors: not a non-empty array'],
    [
      doc({ deployment: { ...spec, predictors: [spec.predictors[0], { name: 'b' }] } }),
      'deployment.predictors[1].graph: not an object',
    ],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => readUnitSpec(text, 'u.json'),
      (e: Error) => {
        assert.ok(e.message.startsWith('u.json: not an sdep unit spec ('), e.message);
        assert.ok(e.message.includes(why), `${e.message} should say ${why}`);
        assert.ok(e.message.endsWith('a SeldonDeployment file goes to --deployment'), e.message);
        return true;
      },
    );
  }
});
