import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparePredictions, compareResponseBodies, predictionOf } from './compare-predictions.js';

const tensor = (values: number[], shape = [values.length, 1]) => ({
  data: { names: ['proba'], tensor: { shape, values } },
  meta: { puid: 'x' },
});

test('identical tensors agree; tiny differences are within tolerance', () => {
  assert.equal(comparePredictions(tensor([0.1, 0.9]), tensor([0.1, 0.9])), 'agree');
  assert.equal(comparePredictions(tensor([0.1, 0.9]), tensor([0.10001, 0.90002])), 'agree');
  assert.equal(
    comparePredictions(tensor([0.1, 0.9]), tensor([0.1001, 0.9]), { abs: 0, rel: 1e-6 }),
    'agree_argmax',
    'a tighter tolerance turns it into a same-class agreement',
  );
});

test('argmax per row: same class with different values, or a different class', () => {
  const a = {
    data: {
      ndarray: [
        [0.2, 0.8],
        [0.6, 0.4],
      ],
    },
  };
  const same = {
    data: {
      ndarray: [
        [0.3, 0.7],
        [0.55, 0.45],
      ],
    },
  };
  const differ = {
    data: {
      ndarray: [
        [0.3, 0.7],
        [0.45, 0.55],
      ],
    },
  };
  assert.equal(comparePredictions(a, same), 'agree_argmax');
  assert.equal(comparePredictions(a, differ), 'disagree');
});

test('one column is a binary probability: the 0.5 threshold decides the class', () => {
  assert.equal(comparePredictions(tensor([0.2, 0.7]), tensor([0.3, 0.6])), 'agree_argmax');
  assert.equal(comparePredictions(tensor([0.2, 0.7]), tensor([0.6, 0.6])), 'disagree');
});

test('shape mismatch disagrees; ndarray and tensor of the same numbers agree', () => {
  assert.equal(comparePredictions(tensor([1, 2]), tensor([1, 2, 3])), 'disagree');
  assert.equal(comparePredictions({ data: { ndarray: [[1], [2]] } }, tensor([1, 2])), 'agree');
});

test('strData / jsonData compare as values; no prediction is incomparable', () => {
  assert.equal(comparePredictions({ strData: 'cat' }, { strData: 'cat' }), 'agree');
  assert.equal(comparePredictions({ jsonData: { a: 1 } }, { jsonData: { a: 2 } }), 'disagree');
  assert.equal(comparePredictions({ strData: 'cat' }, tensor([1])), 'incomparable');
  assert.equal(comparePredictions({ status: { code: 500 } }, tensor([1])), 'incomparable');
  assert.equal(comparePredictions(null, tensor([1])), 'incomparable');
});

test('V2 inference responses: outputs[].data with shape', () => {
  const v2 = (data: number[]) => ({
    model_name: 'm',
    outputs: [{ name: 'proba', shape: [1, 3], datatype: 'FP32', data }],
  });
  assert.deepEqual(predictionOf(v2([1, 2, 3])), { kind: 'numeric', shape: [1, 3], values: [1, 2, 3] });
  assert.equal(comparePredictions(v2([0.1, 0.2, 0.7]), v2([0.1, 0.2, 0.7])), 'agree');
  assert.equal(comparePredictions(v2([0.1, 0.2, 0.7]), v2([0.2, 0.1, 0.7])), 'agree_argmax');
  assert.equal(comparePredictions(v2([0.1, 0.2, 0.7]), v2([0.7, 0.2, 0.1])), 'disagree');
});

test('compareResponseBodies: bodies that are not JSON are incomparable', () => {
  assert.equal(compareResponseBodies('{"strData":"a"}', '{"strData":"a"}'), 'agree');
  assert.equal(compareResponseBodies('oops', '{"strData":"a"}'), 'incomparable');
});
