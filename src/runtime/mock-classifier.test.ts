import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { invokePredict } from './invoke-component.js';
import { isMockClassifierImage, MockClassifier } from './mock-classifier.js';

const unit = { id: 'classifier', image: 'seldonio/mock_classifier:1.18.2' };

test('mock classifier gives the seed request its exact values, tensor in → tensor out', async () => {
  const out = await invokePredict(
    new MockClassifier(),
    { data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } } },
    { unit },
  );
  assert.deepEqual(out, {
    data: { names: ['proba'], tensor: { shape: [2, 1], values: [0.05133579311531625, 0.12823373759251927] } },
    meta: { requestPath: { classifier: 'seldonio/mock_classifier:1.18.2' } },
  });
});

test('mock classifier: ndarray in → ndarray out, puid and tags echoed', async () => {
  const out = await invokePredict(
    new MockClassifier(),
    {
      meta: { puid: 'p1', tags: { x: 1 } },
      data: {
        ndarray: [
          [0, 0],
          [1, 1],
        ],
      },
    },
    { unit },
  );
  assert.deepEqual(out.data, { names: ['proba'], ndarray: [[0.05133579311531625], [0.12823373759251927]] });
  assert.equal(out.meta?.puid, 'p1');
  assert.deepEqual(out.meta?.tags, { x: 1 });
});

test('mock classifier rejects 1-D input with a 400 naming the shape', () => {
  assert.throws(
    () => new MockClassifier().predict([1, 2]),
    (e) => isSdepError(e) && e.status === 400 && /Incorrect shape \[2\]/.test(e.message),
  );
});

test('isMockClassifierImage matches any tag of the seed images only', () => {
  for (const ok of [
    'seldonio/mock_classifier:1.0',
    'seldonio/mock_classifier_rest:1.3',
    'seldonio/mock_classifier',
  ]) {
    assert.equal(isMockClassifierImage(ok), true, ok);
  }
  for (const no of ['seldonio/sklearn:1.0', 'me/mock_classifier:1', 'seldonio/mock']) {
    assert.equal(isMockClassifierImage(no), false, no);
  }
});
