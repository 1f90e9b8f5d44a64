import assert from 'node:assert/strict';
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
