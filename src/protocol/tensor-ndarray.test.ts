import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { ndarrayToTensor, numericShape, reshape, tensorToNdarray } from './tensor-ndarray.js';

test('tensor → ndarray is row-major', () => {
  assert.deepEqual(tensorToNdarray({ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(tensorToNdarray({ shape: [2, 1, 2], values: [1, 2, 3, 4] }), [[[1, 2]], [[3, 4]]]);
  assert.deepEqual(tensorToNdarray({ shape: [3], values: [1, 2, 3] }), [1, 2, 3]);
});

test('zero-sized axes and scalars reshape without looping forever', () => {
  assert.deepEqual(reshape([], [2, 0]), [[], []]);
  assert.deepEqual(reshape([], [0, 3]), []);
  assert.equal(reshape([7], []), 7);
});

test('ndarray → tensor flattens row-major and keeps the shape', () => {
  assert.deepEqual(
    ndarrayToTensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
  );
});

test('ragged or non-numeric arrays have no tensor form', () => {
  assert.equal(numericShape([[1, 2], [3]]), undefined);
  assert.equal(numericShape([['a', 'b']]), undefined);
  assert.equal(ndarrayToTensor([[1], 2]), undefined);
  assert.deepEqual(numericShape([]), [0]);
});

test('numericShape: empty rows, holes, arrays among the numbers, and NaN', () => {
  assert.deepEqual(numericShape([[], []]), [2, 0]);
  assert.deepEqual(ndarrayToTensor([[], []]), { shape: [2, 0], values: [] });
  assert.deepEqual(ndarrayToTensor([7, 8]), { shape: [2], values: [7, 8] });
  // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
  assert.equal(numericShape([1, , 3]), undefined);
  // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
  assert.equal(numericShape([[1, 2], , [5, 6]]), undefined);
  assert.equal(numericShape([[1, [2]]]), undefined, 'an array where the innermost numbers are');
  assert.equal(numericShape([[[1]], [2]]), undefined, 'a number where a row of rows is');
  assert.deepEqual(numericShape([[Number.NaN, 1]]), [1, 2], 'NaN is a number here; JSON cannot carry it');
});

test('numericShape leaves rows of doubles unboxed, however mixed the arrays it has seen', () => {
  // V8 boxes every number of an array read at an indexed-load site that also saw arrays of arrays
  // (40 µs for a 5 000-value row, and slower passes after). %HasDoubleElements sees it; a child
  // process, as the natives syntax needs its flag at start-up.
  const script = `
    const { numericShape } = await import(${JSON.stringify(import.meta.resolve('./tensor-ndarray.ts'))});
    const row = (n) => Array.from({ length: n }, (_, i) => i / 7);
    let kept = 0;
    for (let i = 0; i < 20000; i++) {
      const X = [row(8), row(8)];
      numericShape([[row(2)], [row(2)]]);
      if (numericShape(X)?.join() !== '2,8') throw new Error('wrong shape');
      if (%HasDoubleElements(X[0]) && %HasDoubleElements(X[1])) kept++;
    }
    process.stdout.write(String(kept));
  `;
  const r = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '20000', 'every row kept its unboxed doubles');
});

test('property: ndarray → tensor → ndarray is the identity for rectangular arrays', () => {
  const dims = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(dims, fc.integer(), (shape, seed) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (seed + i) % 97);
      const nested = tensorToNdarray({ shape, values });
      assert.deepEqual(ndarrayToTensor(nested), { shape, values });
    }),
    { numRuns: 200 },
  );
});
