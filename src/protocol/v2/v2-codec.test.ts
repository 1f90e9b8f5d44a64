import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../../core/sdep-error.js';
import {
  decodeV2Request,
  seldonMessageToV2Response,
  tensorToV2Tensor,
  v2Error,
  v2RequestToSeldonMessage,
  v2TensorToTensor,
} from './v2-codec.js';

const input = (over: Record<string, unknown> = {}) => ({
  name: 'x',
  shape: [2, 2],
  datatype: 'FP32',
  data: [0, 0, 1, 1],
  ...over,
});

function rejects(body: unknown, pattern: RegExp) {
  assert.throws(
    () => decodeV2Request(body),
    (e) => isSdepError(e) && e.status === 400 && e.code === 'SDEP_BAD_V2_REQUEST' && pattern.test(e.message),
  );
}

test('a V2 request decodes; nested data is flattened row-major', () => {
  const req = decodeV2Request({
    id: 'r1',
    inputs: [
      input({
        data: [
          [0, 0],
          [1, 1],
        ],
      }),
    ],
  });
  assert.deepEqual(req, {
    id: 'r1',
    inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [0, 0, 1, 1] }],
  });
});

test('data length must match the shape', () => {
  rejects(
    { inputs: [input({ data: [1, 2, 3] })] },
    /^inputs\[0\]\.data: has 3 elements but shape \[2,2\] needs 4/,
  );
});

test('datatypes and values are checked', () => {
  rejects(
    { inputs: [input({ datatype: 'FP16' })] },
    /^inputs\[0\]\.datatype: must be one of FP32, FP64, INT32, INT64, BOOL, BYTES/,
  );
  rejects(
    { inputs: [input({ datatype: 'INT32', data: [1, 2, 3, 4.5] })] },
    /^inputs\[0\]\.data\[3\]: 4\.5 is not a valid INT32/,
  );
  rejects({ inputs: [input({ datatype: 'BOOL', shape: [1], data: [1] })] }, /not a valid BOOL/);
  rejects({ inputs: [input({ datatype: 'BYTES', shape: [1], data: [1] })] }, /not a valid BYTES/);
  rejects({ inputs: [] }, /^inputs: must be a non-empty array/);
  rejects({ inputs: [input({ name: '' })] }, /^inputs\[0\]\.name:/);
});

test('V2 ⇄ internal tensors', () => {
  const t = v2TensorToTensor({ name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] });
  assert.deepEqual(t, { shape: [2], values: [1, 0] });
  assert.deepEqual(tensorToV2Tensor('o', { shape: [1, 2], values: [1, 2] }, 'INT64'), {
    name: 'o',
    shape: [1, 2],
    datatype: 'INT64',
    data: [1, 2],
  });
  assert.deepEqual(v2RequestToSeldonMessage(decodeV2Request({ inputs: [input()] })), {
    data: { tensor: { shape: [2, 2], values: [0, 0, 1, 1] } },
  });
});

test('a SeldonMessage response becomes one V2 output named after its single name', () => {
  const res = seldonMessageToV2Response(
    { data: { names: ['proba'], ndarray: [[0.1], [0.2]] } },
    { modelName: 'classifier', id: 'r1', datatype: 'FP32' },
  );
  assert.deepEqual(res, {
    model_name: 'classifier',
    id: 'r1',
    outputs: [{ name: 'proba', shape: [2, 1], datatype: 'FP32', data: [0.1, 0.2] }],
  });
  const s = seldonMessageToV2Response({ strData: 'hi' }, { modelName: 'm' });
  assert.deepEqual(s.outputs[0], { name: 'output-0', shape: [1], datatype: 'BYTES', data: ['hi'] });
});

test('V2 errors are {error}', () => {
  try {
    decodeV2Request({ inputs: 1 });
    assert.fail('should throw');
  } catch (e) {
    assert.deepEqual(v2Error(e), { status: 400, body: { error: 'inputs: must be a non-empty array' } });
  }
});
