import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSeldonProto } from './load-seldon-proto.js';
import {
  fromProtoFeedback,
  fromProtoMessage,
  fromProtoValue,
  type ProtoSeldonMessage,
  toProtoFeedback,
  toProtoMessage,
  toProtoValue,
} from './proto-convert.js';
import type { SeldonMessage } from './seldon-message.js';

const { packageDefinition } = loadSeldonProto();
type Codec = { serialize(v: unknown): Buffer; deserialize(b: Buffer): unknown };
const codec = (name: string) => packageDefinition[`seldon.protos.${name}`] as unknown as Codec;

/** JSON → proto object → bytes → proto object → JSON. */
function wire(msg: SeldonMessage): SeldonMessage {
  const c = codec('SeldonMessage');
  return fromProtoMessage(c.deserialize(c.serialize(toProtoMessage(msg))) as ProtoSeldonMessage);
}

test('the proto declares every Seldon service', () => {
  const { services } = loadSeldonProto();
  assert.deepEqual(Object.keys(services.Generic.service).sort(), [
    'Aggregate',
    'Route',
    'SendFeedback',
    'TransformInput',
    'TransformOutput',
  ]);
  assert.deepEqual(Object.keys(services.Model.service).sort(), ['Predict', 'SendFeedback']);
  assert.deepEqual(Object.keys(services.Seldon.service).sort(), ['Predict', 'SendFeedback']);
  for (const s of ['Router', 'Transformer', 'OutputTransformer', 'Combiner'] as const) assert.ok(services[s]);
});

test('google.protobuf.Value ⇄ JSON', () => {
  const v = { a: [1, 'x', true, null, { b: [] }], c: -2.5 };
  assert.deepEqual(toProtoValue(v).structValue?.fields?.c, { numberValue: -2.5 });
  assert.deepEqual(fromProtoValue(toProtoValue(v)), v);
});

test('tensor messages with full meta survive the wire', () => {
  const msg: SeldonMessage = {
    meta: {
      puid: 'abc',
      tags: { x: 1, y: 'z', nested: { k: [1, 2] } },
      routing: { router: 1 },
      requestPath: { classifier: 'seldonio/mock_classifier:1.18.2' },
      metrics: [{ key: 'mycounter', type: 'COUNTER', value: 1, tags: { a: 'b' } }],
    },
    data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0.5, 1, 1] } },
  };
  assert.deepEqual(wire(msg), msg);
});

test('ndarray, strData, binData and jsonData survive the wire', () => {
  for (const msg of [
    {
      data: {
        ndarray: [
          [1, 2],
          ['a', true],
        ],
      },
    },
    { strData: 'hello' },
    { binData: Buffer.from([0, 1, 2, 255]).toString('base64') },
    { jsonData: { a: [1, { b: null }] } },
  ] as SeldonMessage[]) {
    assert.deepEqual(wire(msg), msg);
  }
});

test('proto3 zero values come back defaulted (status SUCCESS, COUNTER, 0)', () => {
  const c = codec('SeldonMessage');
  const raw = c.deserialize(
    c.serialize({
      status: { code: 0, status: 'SUCCESS' },
      meta: { metrics: [{ key: 'g', type: 'COUNTER', value: 0 }] },
      strData: '',
    }),
  ) as ProtoSeldonMessage;
  assert.deepEqual(fromProtoMessage(raw), {
    status: { code: 0, info: '', reason: '', status: 'SUCCESS' },
    meta: { metrics: [{ key: 'g', type: 'COUNTER', value: 0 }] },
    strData: '',
  });
  const failure = {
    status: { code: 400, info: 'bad', reason: 'SDEP_X', status: 'FAILURE' as const },
    strData: 'x',
  };
  assert.deepEqual(wire(failure), failure);
});

test('feedback survives the wire', () => {
  const c = codec('Feedback');
  const fb = {
    request: { data: { ndarray: [[1, 2]] } },
    response: { meta: { routing: { eg: 1 } }, data: { ndarray: [[0.5]] } },
    reward: 1,
    truth: { data: { ndarray: [[1]] } },
  };
  assert.deepEqual(fromProtoFeedback(c.deserialize(c.serialize(toProtoFeedback(fb))) as never), fb);
});
