import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentSpec, predictorSpec } from '../../test/fixtures/deployment-spec.js';
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { desiredUnits, type ServiceNaming } from './desired-units.js';
import { planChanges } from './plan-changes.js';

const naming: ServiceNaming = {
  serviceName: (d, p) => `${d.name}-${p.name}`,
  restPort: 8000,
  grpcPort: 5001,
};

const predictor = (name: string, over: Partial<PredictorSpec> = {}): PredictorSpec =>
  predictorSpec(name, { labels: { version: name }, ...over });

const deployment = (predictors: PredictorSpec[], over: Partial<DeploymentSpec> = {}): DeploymentSpec =>
  deploymentSpec({ name: 'example', predictors, ...over });

test('one unit per predictor replica, with stable ids and the services it backs', () => {
  const units = desiredUnits(
    [deployment([predictor('main', { traffic: 75, replicas: 2 }), predictor('canary', { traffic: 25 })])],
    naming,
  );
  assert.deepEqual(
    units.map((u) => u.id),
    ['default/example/main/0', 'default/example/main/1', 'default/example/canary/0'],
  );
  assert.deepEqual(units[0]?.services, [
    { service: 'example-main.default:8000', port: 'http' },
    { service: 'example-main.default:5001', port: 'grpc' },
  ]);
  assert.equal(units[0]?.hash, units[1]?.hash, 'replicas of one predictor run the same content');
  assert.notEqual(units[0]?.hash, units[2]?.hash);
});

test('the unit resource holds only its predictor, one replica, no traffic or shadow', () => {
  const [u] = desiredUnits(
    [deployment([predictor('shadow', { shadow: true, traffic: 10, replicas: 3 }), predictor('main')])],
    naming,
  );
  const spec = u?.resource.spec as { predictors: Record<string, unknown>[] };
  assert.equal(spec.predictors.length, 1);
  assert.equal(spec.predictors[0]?.name, 'shadow');
  assert.equal(spec.predictors[0]?.replicas, 1);
  assert.equal('traffic' in (spec.predictors[0] ?? {}), false);
  assert.equal('shadow' in (spec.predictors[0] ?? {}), false);
  assert.deepEqual(u?.resource.metadata, { name: 'example', namespace: 'default' });
});

test('traffic, shadow and routing annotations do not change the hash; the model does', () => {
  const base = desiredUnits(
    [deployment([predictor('main', { traffic: 75 }), predictor('c', { traffic: 25 })])],
    naming,
  );
  const reweighted = desiredUnits(
    [
      deployment([predictor('main', { traffic: 50 }), predictor('c', { traffic: 50 })], {
        annotations: { 'seldon.io/ambassador-retries': '2', 'seldon.io/rest-timeout': '5000' },
        source: { file: 'b.yaml', index: 3 },
      }),
    ],
    naming,
  );
  assert.deepEqual(
    reweighted.map((u) => u.hash),
    base.map((u) => u.hash),
  );
  const newImage = desiredUnits(
    [
      deployment([
        predictor('main', {
          traffic: 75,
          componentSpecs: [
            { spec: { containers: [{ name: 'classifier', image: 'seldonio/mock_classifier:9' }] } },
          ],
        }),
        predictor('c', { traffic: 25 }),
      ]),
    ],
    naming,
  );
  assert.notEqual(newImage[0]?.hash, base[0]?.hash);
  assert.equal(newImage[1]?.hash, base[1]?.hash);
});

test('planChanges keeps same id+hash, starts new hashes and ids, stops the rest', () => {
  const v1 = desiredUnits([deployment([predictor('main'), predictor('old', { shadow: true })])], naming);
  const running = v1.map((u) => ({ id: u.id, hash: u.hash, pid: 1 }));
  const v2 = desiredUnits(
    [
      deployment([
        predictor('main', { graph: { ...predictor('x').graph, parameters: [] }, labels: { version: 'v2' } }),
        predictor('new', { shadow: true }),
      ]),
    ],
    naming,
  );
  const plan = planChanges(running, v2);
  assert.deepEqual(
    plan.start.map((u) => u.id),
    ['default/example/main/0', 'default/example/new/0'],
  );
  assert.deepEqual(
    plan.stop.map((r) => r.id),
    ['default/example/main/0', 'default/example/old/0'],
  );
  assert.deepEqual(plan.keep, []);
  const same = planChanges(running, v1);
  assert.deepEqual(same.start, []);
  assert.deepEqual(same.stop, []);
  assert.equal(same.keep.length, 2);
  assert.equal(same.keep[0]?.pid, 1, 'keeps the caller’s own records');
});

test('replicas scale by unit id: scaling down stops the highest replicas', () => {
  const three = desiredUnits([deployment([predictor('main', { replicas: 3 })])], naming);
  const one = desiredUnits([deployment([predictor('main', { replicas: 1 })])], naming);
  const plan = planChanges(three, one);
  assert.deepEqual(
    plan.stop.map((r) => r.id),
    ['default/example/main/1', 'default/example/main/2'],
  );
  assert.equal(plan.keep.length, 1);
});
