import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { loadComponentModule } from './load-component-module.js';
import { parseUnitParameters } from './unit-parameters.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdep-module-'));
  writeFileSync(
    join(dir, 'class.mjs'),
    `export default class Scaler {
       constructor(p) { this.k = p.k; this.loaded = false; }
       async load() { this.loaded = true; }
       predict(X) { return X.map((r) => r.map((v) => v * this.k)); }
     }`,
  );
  writeFileSync(
    join(dir, 'named.ts'),
    `export const helper = 1;
     export const model = { predict: (X: number[][]): number[][] => X };`,
  );
  writeFileSync(join(dir, 'factory.mjs'), 'export function make(p) { return { route: () => p.child }; }');
  writeFileSync(join(dir, 'broken.mjs'), 'export default {');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a default-exported class is constructed with the parameters and loaded', async () => {
  const c = (await loadComponentModule(join(dir, 'class.mjs'), undefined, { k: 3 })) as unknown as {
    loaded: boolean;
    predict(X: number[][]): number[][];
  };
  assert.equal(c.loaded, true);
  assert.deepEqual(c.predict([[1, 2]]), [[3, 6]]);
});

test('a named TS object export, and a factory function', async () => {
  const obj = await loadComponentModule(join(dir, 'named.ts'), 'model');
  assert.deepEqual(await obj.predict!([[1]], []), [[1]]);
  const f = await loadComponentModule(join(dir, 'factory.mjs'), undefined, { child: 2 });
  assert.equal(await f.route!([], []), 2);
});

test('clear errors for ambiguous exports, missing exports, syntax errors', async () => {
  await assert.rejects(
    loadComponentModule(join(dir, 'named.ts')),
    (e) => isSdepError(e) && /--export \(helper, model\)/.test(e.message),
  );
  await assert.rejects(
    loadComponentModule(join(dir, 'named.ts'), 'nope'),
    (e) => isSdepError(e) && /no export named nope/.test(e.message),
  );
  await assert.rejects(
    loadComponentModule(join(dir, 'broken.mjs')),
    (e) => isSdepError(e) && e.code === 'SDEP_MODULE_LOAD',
  );
  await assert.rejects(
    loadComponentModule(join(dir, 'absent.mjs')),
    (e) => isSdepError(e) && /cannot import/.test(e.message),
  );
});

test('Seldon parameter lists are parsed to their types', () => {
  const p = parseUnitParameters(
    JSON.stringify([
      { name: 'n', value: '3', type: 'INT' },
      { name: 'eps', value: '0.25', type: 'FLOAT' },
      { name: 'on', value: 'True', type: 'BOOL' },
      { name: 'cfg', value: '{"a":[1]}', type: 'JSON' },
      { name: 's', value: 'x', type: 'STRING' },
    ]),
  );
  assert.deepEqual(p, { n: 3, eps: 0.25, on: true, cfg: { a: [1] }, s: 'x' });
  assert.deepEqual(parseUnitParameters('{"ratioA":0.3}'), { ratioA: 0.3 });
  assert.deepEqual(parseUnitParameters(undefined), {});
  assert.throws(
    () => parseUnitParameters('[{"name":"n","value":"x","type":"INT"}]'),
    (e) => isSdepError(e) && /parameter n/.test(e.message),
  );
  assert.throws(
    () => parseUnitParameters('nope'),
    (e) => isSdepError(e) && /not valid JSON/.test(e.message),
  );
});
