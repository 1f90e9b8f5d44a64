/**
 * Golden tests over every `validation` conformance vector (Seldon Core v1's
 * admission webhook: accepted, or rejected with field and reason), copied
 * from shared/spec/vectors into ./validation/. Each vector has our expected
 * outcome below: the code and exact path of every error, a message pattern for
 * the reason, and — where the vectors README says we differ from Seldon — our
 * behaviour, with the vector named. Each document is parsed twice and the
 * results compared byte for byte (determinism).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDeployment } from '../../src/api/index.js';

interface Vector {
  name: string;
  input: { kind: string; sdep: unknown };
  expected: { valid: boolean; errors: { field: string; value: string; detail: string }[] };
}

interface Ours {
  /** `CODE path` of every error we report, in any order. */
  errors: string[];
  /** The reason, as our message words it. */
  message?: RegExp;
  /** Set where we deliberately differ from Seldon Core (vectors README). */
  differs?: string;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'validation', 'seldon-validation-vectors.json'), 'utf8'),
);

const OURS: Record<string, Ours> = {
  'validate-traffic-75-25-ok': { errors: [] },
  'validate-traffic-60-30-bad': {
    errors: ['SDEP_TRAFFIC_SUM spec.predictors[1].traffic'],
    message: /must sum to 100, got 90 \(main 60 \+ canary 30\)/,
  },
  'validate-traffic-both-unset-bad': {
    errors: ['SDEP_TRAFFIC_SUM spec.predictors[1].traffic'],
    message: /must sum to 100, got 0 \(a unset \+ b unset\)/,
  },
  'validate-single-traffic-unset-ok': { errors: [] },
  'validate-single-traffic-50-bad': {
    errors: ['SDEP_TRAFFIC_SINGLE spec.predictors[0].traffic'],
    message: /unset, 0 or 100, got 50/,
  },
  'validate-single-traffic-150-accepted': {
    errors: ['SDEP_TRAFFIC_RANGE spec.predictors[0].traffic'],
    message: /between 0 and 100, got 150/,
    differs: 'Seldon accepts traffic 150 on a lone predictor; we reject traffic outside 0-100',
  },
  'validate-main-plus-shadow-ok': { errors: [] },
  'validate-main-plus-shadow-main-traffic-40-accepted': {
    errors: ['SDEP_TRAFFIC_SINGLE spec.predictors[0].traffic'],
    message: /unset, 0 or 100, got 40/,
    differs:
      'Seldon accepts 40% on the only non-shadow predictor (the other 60% would go nowhere); we reject it as the same loophole',
  },
  'validate-canary-plus-shadow-ok': { errors: [] },
  'validate-shadow-traffic-150-bad': {
    errors: ['SDEP_TRAFFIC_RANGE spec.predictors[1].traffic'],
    message: /shadow traffic must be between 0 and 100, got 150/,
  },
  'validate-duplicate-predictor-name-bad': {
    errors: ['SDEP_DUPLICATE_PREDICTOR spec.predictors[1].name'],
    message: /duplicate predictor name "p"/,
  },
  'validate-no-predictors-bad': {
    errors: ['SDEP_NO_PREDICTORS spec.predictors'],
    message: /at least one predictor/,
  },
  'validate-missing-container-bad': {
    errors: ['SDEP_MISSING_CONTAINER spec.predictors[0].graph.name'],
    message: /no container named "model"/,
  },
  'validate-prepack-without-modelUri-bad': {
    errors: ['SDEP_MODEL_URI_REQUIRED spec.predictors[0].graph.modelUri'],
    message: /modelUri is required for prepackaged server SKLEARN_SERVER/,
  },
  'validate-prepack-sklearn-tensorflow-protocol-bad': {
    errors: ['SDEP_PROTOCOL_UNSUPPORTED spec.predictors[0].graph.implementation'],
    message: /SKLEARN_SERVER does not handle the tensorflow protocol/,
  },
  'validate-builtin-random-abtest-ok': { errors: [] },
  'validate-logger-without-mode-bad': {
    errors: ['SDEP_LOGGER_MODE spec.predictors[0].graph.logger.mode'],
    message: /logger needs a mode/,
  },
  'validate-invalid-protocol-bad': {
    errors: ['SDEP_FIELD_VALUE spec.protocol'],
    message: /must be one of seldon, tensorflow, v2, kfserving; got string "http"/,
  },
  'validate-mixed-endpoint-types-bad': {
    errors: ['SDEP_ENDPOINT_TYPES_MIXED spec.predictors[0].graph.children[0].endpoint.type'],
    message: /GRPC differs from REST .*use spec.transport/,
  },
  'validate-transport-vs-endpoint-type-bad': {
    errors: ['SDEP_TRANSPORT_MISMATCH spec.predictors[0].graph.endpoint.type'],
    message: /REST contradicts spec.transport grpc/,
  },
  'validate-no-engine-multi-node-bad': {
    errors: ['SDEP_NO_ENGINE_MULTI_NODE spec.predictors[0].annotations["seldon.io/no-engine"]'],
    message: /only valid for a single-node graph/,
  },
  'validate-duplicate-svc-name-bad': {
    errors: ['SDEP_DUPLICATE_SVC_NAME spec.predictors[1].annotations["seldon.io/svc-name"]'],
    message: /service name "svc" is already used by spec.predictors\[0\]/,
  },
};

test('the vector file holds validation vectors, and each one has our expected outcome', () => {
  assert.ok(vectors.length >= 22);
  assert.deepEqual(
    vectors.map((v) => v.input.kind).filter((k) => k !== 'validation'),
    [],
  );
  assert.deepEqual(
    vectors.map((v) => v.name).sort(),
    Object.keys(OURS).sort(),
    'a vector without an expectation here (or an expectation for a vector that is gone)',
  );
});

for (const v of vectors) {
  const ours = OURS[v.name];
  const label = ours?.differs ? `${v.name} (we differ: ${ours.differs})` : v.name;
  test(`validation vector ${label}`, () => {
    assert.ok(ours, `no expectation for ${v.name}`);
    const source = { file: `${v.name}.yaml`, index: 0 };
    const first = parseDeployment(v.input.sdep, source);
    const again = parseDeployment(structuredClone(v.input.sdep), source);
    assert.equal(JSON.stringify(again), JSON.stringify(first), 'parsing is deterministic');

    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.code} ${d.path}`).sort(), [...ours.errors].sort());
    assert.deepEqual(
      first.diagnostics.filter((d) => d.severity === 'warning'),
      [],
      'no warnings on vectors',
    );
    const accepted = ours.errors.length === 0;
    assert.equal(first.spec !== undefined, accepted);
    if (ours.differs) assert.notEqual(accepted, v.expected.valid, 'a named difference must differ');
    else assert.equal(accepted, v.expected.valid, 'same verdict as Seldon Core');

    for (const e of errors) {
      assert.equal(e.resource, `${v.name}.yaml#0 SeldonDeployment seldon/sdep`);
      assert.ok(e.message.length > 0);
      if (ours.message) assert.match(e.message, ours.message);
    }
    // Our path is at or under the field Seldon names.
    for (const sel of v.expected.errors) {
      assert.ok(
        errors.some(
          (e) =>
            e.path === sel.field || e.path.startsWith(`${sel.field}.`) || e.path.startsWith(`${sel.field}[`),
        ),
        `an error at or under ${sel.field} (${sel.detail})`,
      );
    }
  });
}
