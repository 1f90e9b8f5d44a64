import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { buildResponseData, extractPayload } from './payload.js';

test('extractPayload reshapes tensors and decodes binData', () => {
  assert.deepEqual(
    extractPayload({ data: { names: ['a', 'b'], tensor: { shape: [1, 2], values: [3, 4] } } }),
    {
      X: [[3, 4]],
      names: ['a', 'b'],
      kind: 'tensor',
    },
  );
  const bin = extractPayload({ binData: Buffer.from('hi').toString('base64') });
  assert.equal(Buffer.from(bin.X as Uint8Array).toString(), 'hi');
  assert.equal(extractPayload({ strData: 's' }).X, 's');
  assert.deepEqual(extractPayload({ jsonData: { a: 1 } }).X, { a: 1 });
});

test('response keeps the request representation', () => {
  const out = [[0.5], [0.25]];
  assert.deepEqual(buildResponseData({ data: { tensor: { shape: [2, 1], values: [1, 2] } } }, out), {
    data: { names: ['t:0'], tensor: { shape: [2, 1], values: [0.5, 0.25] } },
  });
  assert.deepEqual(buildResponseData({ data: { ndarray: [[1], [2]] } }, out), {
    data: { names: ['t:0'], ndarray: out },
  });
  // No data in the request (strData in, numbers out): a tensor, as Seldon does.
  assert.deepEqual(buildResponseData({ strData: 'x' }, [1, 2]), {
    data: { tensor: { shape: [2], values: [1, 2] } },
  });
  assert.deepEqual(buildResponseData({ jsonData: {} }, [[1]]), { jsonData: [[1]] });
});

test('non-numeric or ragged output stays an ndarray even for a tensor request', () => {
  const req = { data: { tensor: { shape: [1], values: [1] } } };
  assert.deepEqual(buildResponseData(req, [['a', 'b']]), {
    data: { names: ['t:0', 't:1'], ndarray: [['a', 'b']] },
  });
});

test('names: explicit, class names, t:i for 2-D, none for 1-D', () => {
  const req = { data: { ndarray: [[1]] } };
  assert.deepEqual(buildResponseData(req, [[1, 2]], { classNames: ['x', 'y'] }).data?.names, ['x', 'y']);
  assert.deepEqual(buildResponseData(req, [[1, 2]], { names: ['f'] }).data?.names, ['f']);
  assert.equal(buildResponseData(req, [1, 2]).data?.names, undefined);
  assert.deepEqual(buildResponseData(req, undefined), { data: { ndarray: [] } });
});

test('strings, bytes and objects map to strData, binData, jsonData; scalars are a 500', () => {
  assert.deepEqual(buildResponseData(undefined, 'x'), { strData: 'x' });
  assert.deepEqual(buildResponseData(undefined, Buffer.from('hi')), { binData: 'aGk=' });
  assert.deepEqual(buildResponseData(undefined, { status: 'ok' }), { jsonData: { status: 'ok' } });
  assert.throws(
    () => buildResponseData(undefined, 3),
    (e) => isSdepError(e) && e.status === 500,
  );
});
