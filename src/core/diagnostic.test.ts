import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldPath, formatDiagnostic, hasErrors } from './diagnostic.js';

test('fieldPath renders dotted names, indexes and quoted odd keys', () => {
  assert.equal(fieldPath(['spec', 'predictors', 1, 'traffic']), 'spec.predictors[1].traffic');
  assert.equal(
    fieldPath(['metadata', 'annotations', 'seldon.io/rest-timeout']),
    'metadata.annotations["seldon.io/rest-timeout"]',
  );
  assert.equal(fieldPath([]), '');
});

test('formatDiagnostic names severity, resource, path and code', () => {
  const line = formatDiagnostic({
    code: 'SDEP_TRAFFIC_SUM',
    severity: 'error',
    resource: 'a.yaml#0 SeldonDeployment default/x',
    path: 'spec.predictors[1].traffic',
    message: 'traffic of non-shadow predictors sums to 90, must be 100',
  });
  assert.equal(
    line,
    'error: a.yaml#0 SeldonDeployment default/x: spec.predictors[1].traffic: traffic of non-shadow predictors sums to 90, must be 100 [SDEP_TRAFFIC_SUM]',
  );
  assert.equal(hasErrors([{ code: 'X', severity: 'warning', resource: 'r', path: '', message: 'm' }]), false);
});
