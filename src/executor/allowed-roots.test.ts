import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PredictorSpec } from '../api/deployment-spec.js';
import { isSdepError } from '../core/sdep-error.js';
import { checkInsideRoots, isInside, localPathOf, rootsFromEnv } from './allowed-roots.js';
import { startContainerProcess } from './container-process.js';
import { resolveUnitComponents } from './resolve-unit-components.js';

let dir = '';
let models = '';
let outside = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-roots-'));
  models = join(dir, 'models');
  outside = join(dir, 'outside');
  mkdirSync(join(models, 'iris'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(models, 'iris', 'model.onnx'), 'x');
  writeFileSync(join(outside, 'secret.onnx'), 'x');
  // a symlink inside the root that points out of it
  symlinkSync(outside, join(models, 'escape'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const outsideRoots = (e: unknown) => isSdepError(e) && e.code === 'SDEP_PATH_OUTSIDE_ROOTS';

test('isInside resolves .. and symlinks before comparing', () => {
  assert.ok(isInside(join(models, 'iris', 'model.onnx'), models));
  assert.ok(isInside(models, models));
  assert.ok(isInside(join(models, 'not-yet', 'created.onnx'), models), 'paths that do not exist yet');
  assert.ok(!isInside(join(models, '..', 'outside', 'secret.onnx'), models));
  assert.ok(!isInside(join(models, 'escape', 'secret.onnx'), models), 'a symlink out of the root');
  assert.ok(!isInside(`${models}-evil/x`, models), 'a sibling with the root as prefix');
  assert.ok(!isInside('/etc/passwd', models));
});

test('localPathOf: plain and file:// paths are local; other schemes are not read locally', () => {
  assert.equal(localPathOf('iris/model.onnx', models), join(models, 'iris', 'model.onnx'));
  assert.equal(localPathOf('file:///etc/passwd', models), '/etc/passwd');
  assert.equal(localPathOf('gs://bucket/model', models), undefined);
  assert.equal(localPathOf('s3://b/../../etc', models), undefined);
});

test('rootsFromEnv and checkInsideRoots', () => {
  assert.equal(rootsFromEnv({}), undefined);
  assert.deepEqual(rootsFromEnv({ SDEP_MODEL_ROOTS: `${models}:${outside}` }), [models, outside]);
  checkInsideRoots('x', '/anything', undefined);
  assert.throws(() => checkInsideRoots('modelUri', '/etc/passwd', [models]), outsideRoots);
});

function predictor(node: Record<string, unknown>, container?: Record<string, unknown>): PredictorSpec {
  return {
    name: 'p',
    graph: { name: 'm', type: 'MODEL', endpoint: { type: 'REST' }, parameters: [], children: [], ...node },
    componentSpecs: container ? [{ spec: { containers: [{ name: 'm', ...container }] } }] : [],
    replicas: 1,
    shadow: false,
    labels: {},
    annotations: {},
  } as PredictorSpec;
}

const stubBuiltin = () => ({ predict: () => ({ data: { ndarray: [[1]] } }) });

test('with roots, a modelUri (or model_uri parameter) outside them is refused; inside is fine', async () => {
  const opts = { baseDir: models, allowedRoots: [models], createBuiltin: stubBuiltin };
  const ok = resolveUnitComponents(predictor({ implementation: 'ONNX_SERVER', modelUri: 'iris' }), opts);
  await ok.ready;
  await ok.close();
  for (const uri of [
    '../outside/secret.onnx',
    'escape/secret.onnx',
    `file://${outside}/secret.onnx`,
    '/etc',
  ]) {
    assert.throws(
      () => resolveUnitComponents(predictor({ implementation: 'ONNX_SERVER', modelUri: uri }), opts),
      outsideRoots,
      uri,
    );
  }
  assert.throws(
    () =>
      resolveUnitComponents(
        predictor({
          implementation: 'ONNX_SERVER',
          parameters: [{ name: 'model_uri', value: '../outside', type: 'STRING', parsed: '../outside' }],
        }),
        opts,
      ),
    outsideRoots,
  );
  // no roots configured: paths are not policed (the default)
  const free = resolveUnitComponents(predictor({ implementation: 'ONNX_SERVER', modelUri: '../outside' }), {
    baseDir: models,
    createBuiltin: stubBuiltin,
  });
  await free.ready;
  await free.close();
});

test('with roots, container working dirs and command paths must be inside; bare names are PATH lookups', async () => {
  const opts = { baseDir: models, allowedRoots: [models], containerStartTimeoutMs: 1 };
  for (const c of [
    { command: ['/bin/sh', '-c', 'true'] },
    { command: ['../outside/run.sh'] },
    { command: ['node'], workingDir: '../outside' },
    { command: ['./escape/run.sh'] },
  ]) {
    assert.throws(() => resolveUnitComponents(predictor({}, c), opts), outsideRoots, JSON.stringify(c));
  }
  // a bare name inside an allowed working dir is accepted (it then fails to answer /health/ping, which is fine here)
  const bare = resolveUnitComponents(
    predictor({}, { command: ['node', '-e', '0'], workingDir: 'iris' }),
    opts,
  );
  await bare.ready.catch(() => {});
  await bare.close();
});

test('container commands never go through a shell: metacharacters reach the process as literal arguments', async () => {
  const marker = join(dir, 'pwned');
  const proc = await startContainerProcess({
    container: {
      name: 'c',
      command: [process.execPath, '-e', 'setTimeout(() => {}, 200)'],
      args: [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, `| touch ${marker}`],
    },
    node: { name: 'c', type: 'MODEL', endpoint: { type: 'REST' }, parameters: [], children: [] },
    defaultCwd: dir,
    startTimeoutMs: 100,
  });
  await proc.ready.catch(() => {});
  await proc.stop();
  assert.equal(existsSync(marker), false, 'no shell ran the substitution');
});
