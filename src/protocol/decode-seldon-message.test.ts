import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { decodeFeedback, decodeSeldonMessage, decodeSeldonMessageList } from './decode-seldon-message.js';

function rejects(body: unknown, pattern: RegExp, decode: (b: unknown) => unknown = decodeSeldonMessage) {
  assert.throws(
    () => decode(body),
    (e) => isSdepError(e) && e.status === 400 && pattern.test(e.message),
  );
}

test('a valid tensor message decodes unchanged', () => {
  const body = {
    meta: { puid: 'p', tags: { a: 1 }, routing: { r: 0 }, requestPath: { m: 'img' } },
    data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } },
  };
  assert.deepEqual(decodeSeldonMessage(body), body);
});

test('tensor values must match the product of the shape', () => {
  rejects(
    { data: { tensor: { shape: [2, 2], values: [1, 2, 3] } } },
    /^data\.tensor\.values: has 3 values but shape \[2,2\] needs 4/,
  );
});

test('tensor values must be numbers, shape non-negative integers', () => {
  rejects(
    { data: { tensor: { shape: [2], values: [1, 'x'] } } },
    /^data\.tensor\.values\[1\]: must be a number/,
  );
  rejects({ data: { tensor: { shape: [-1], values: [] } } }, /^data\.tensor\.shape:/);
});

test('exactly one payload field', () => {
  rejects(
    { foo: 1 },
    /^Invalid request data type: \{"foo":1\}: expected one of data, binData, strData, jsonData/,
  );
  rejects(
    { data: { ndarray: [] }, strData: 'x' },
    /only one of data, binData, strData, jsonData may be set \(got data, strData\)/,
  );
  rejects([1, 2], /Invalid request data type: \[1,2\]/);
});

test('data needs exactly one of ndarray, tensor, tftensor', () => {
  rejects({ data: { names: ['a'] } }, /^data: must hold one of ndarray, tensor, tftensor/);
  rejects({ data: { ndarray: [[1]], tensor: { shape: [1], values: [1] } } }, /^data: only one of/);
  rejects({ data: { ndarray: 3 } }, /^data\.ndarray: must be an array/);
  rejects({ data: { names: 'a', ndarray: [] } }, /^data\.names: must be an array of strings/);
});

test('meta fields are checked and named', () => {
  rejects({ strData: 'x', meta: { routing: { r: 1.5 } } }, /^meta\.routing\.r: must be an integer/);
  rejects(
    { strData: 'x', meta: { metrics: [{ key: 'k', type: 'HISTO', value: 1 }] } },
    /^meta\.metrics\[0\]\.type:/,
  );
  rejects({ strData: 'x', meta: { puid: 3 } }, /^meta\.puid: must be a string/);
});

test('feedback parts may hold meta only; reward must be a number', () => {
  const fb = decodeFeedback({
    request: { data: { ndarray: [[1]] } },
    response: { meta: { routing: { r: 1 } } },
    reward: 1,
  });
  assert.deepEqual(fb.response, { meta: { routing: { r: 1 } } });
  assert.equal(fb.reward, 1);
  rejects({ reward: 'high' }, /^reward: must be a number/, decodeFeedback);
  rejects(
    { request: { data: { tensor: { shape: [2], values: [] } } } },
    /^request\.data\.tensor\.values:/,
    decodeFeedback,
  );
});

test('message lists: a JSON array or {seldonMessages}', () => {
  const m = { strData: 'x' };
  assert.deepEqual(decodeSeldonMessageList([m, m]), [m, m]);
  assert.deepEqual(decodeSeldonMessageList({ seldonMessages: [m] }), [m]);
  rejects([m, { foo: 1 }], /^\[1\]: Invalid request data type/, decodeSeldonMessageList);
  rejects({ x: 1 }, /expected a JSON array of SeldonMessages/, decodeSeldonMessageList);
});
