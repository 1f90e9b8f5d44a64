import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { expected, logisticRegressionModel } from '../../test/fixtures/logreg-onnx.js';
import { isSdepError } from '../core/sdep-error.js';
import { loadBuiltinComponent } from './builtin-components.js';
import { invokePredict } from './invoke-component.js';
import { OnnxServer } from './onnx-server.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdep-onnx-'));
  writeFileSync(join(dir, 'logreg.onnx'), logisticRegressionModel());
  mkdirSync(join(dir, 'model-dir'));
  writeFileSync(join(dir, 'model-dir', 'model.onnx'), logisticRegressionModel());
});
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  [0, 0, 0],
  [1, 2, 3],
  [-0.5, 0.25, 1.5],
];

test('ONNX_SERVER runs a .onnx file and matches the values computed in JS', async () => {
  const c = (await loadBuiltinComponent('ONNX_SERVER', {}, { modelUri: join(dir, 'logreg.onnx') }))!;
  const out = (await c.predict!(rows, [])) as number[][];
  const want = expected(rows);
  assert.equal(out.length, 3);
  for (const [i, r] of out.entries()) {
    assert.ok(Math.abs(r[0]! - want[i]![0]!) < 1e-6, `row ${i}: ${r[0]} vs ${want[i]![0]}`);
  }
});

test('ONNX_SERVER: a file:// directory holding model.onnx; output named after the model; tensor kept', async () => {
  const c = (await loadBuiltinComponent('ONNX_SERVER', {
    model_uri: pathToFileURL(join(dir, 'model-dir')).href,
  }))!;
  const res = await invokePredict(c, { data: { tensor: { shape: [3, 3], values: rows.flat() } } }, {});
  assert.deepEqual(res.data?.names, ['proba']);
  assert.deepEqual(res.data?.tensor?.shape, [3, 1]);
  const want = expected(rows).flat();
  res.data!.tensor!.values.forEach((v, i) => {
    assert.ok(Math.abs(v - want[i]!) < 1e-6);
  });
  const meta = c.initMetadata!();
  assert.deepEqual(meta.inputs, [{ name: 'X', datatype: 'float32', shape: ['N', 3] }]);
});

test('ONNX_SERVER errors: missing model, wrong input width, not loaded', async () => {
  await assert.rejects(
    new OnnxServer({ model_uri: join(dir, 'nope.onnx') }).load(),
    (e) => isSdepError(e) && /no such file/.test(e.message),
  );
  await assert.rejects(
    new OnnxServer({ model_uri: dir }).load(),
    (e) => isSdepError(e) && /holds no model\.onnx/.test(e.message),
  );
  assert.throws(
    () => new OnnxServer({}),
    (e) => isSdepError(e) && /modelUri/.test(e.message),
  );
  await assert.rejects(
    new OnnxServer({ model_uri: join(dir, 'logreg.onnx') }).predict([[1, 2, 3]]),
    (e) => isSdepError(e) && e.status === 503,
  );
  const c = new OnnxServer({ model_uri: join(dir, 'logreg.onnx') });
  await c.load();
  await assert.rejects(
    c.predict([[1, 2]]),
    (e) => isSdepError(e) && e.status === 400 && /\[1,2\]/.test(e.message),
  );
});
