import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { loadSeldonProto } from '../protocol/load-seldon-proto.js';
import {
  fromProtoMessage,
  type ProtoSeldonMessage,
  toProtoFeedback,
  toProtoMessage,
} from '../protocol/proto-convert.js';
import type { SeldonMessage } from '../protocol/seldon-message.js';
import { type ComponentGrpcServer, createComponentGrpcServer } from './component-grpc.js';
import { ComponentMetrics } from './component-metrics.js';
import { MockClassifier } from './mock-classifier.js';

type Unary = (req: unknown, cb: (err: ServiceError | null, res?: ProtoSeldonMessage) => void) => void;

function call(client: Client, method: string, req: unknown): Promise<SeldonMessage> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, Unary>)[method]!.call(client, req, (err, res) =>
      err ? reject(err) : resolve(fromProtoMessage(res!)),
    );
  });
}

describe('component gRPC services', () => {
  let server: ComponentGrpcServer;
  let model: Client;
  let generic: Client;
  const metrics = new ComponentMetrics();
  before(async () => {
    server = createComponentGrpcServer(new MockClassifier(), {
      unit: { id: 'classifier', image: 'seldonio/mock_classifier:1.18.2' },
      metrics,
    });
    const port = await server.listen(0);
    const { services } = loadSeldonProto();
    model = new services.Model(`127.0.0.1:${port}`, credentials.createInsecure());
    generic = new services.Generic(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  after(async () => {
    model.close();
    generic.close();
    await server.close();
  });

  test('Model.Predict gives the seed values', async () => {
    const res = await call(
      model,
      'Predict',
      toProtoMessage({ data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } } }),
    );
    assert.deepEqual(res, {
      data: {
        names: ['proba'],
        tensor: { shape: [2, 1], values: [0.05133579311531625, 0.12823373759251927] },
      },
      meta: { requestPath: { classifier: 'seldonio/mock_classifier:1.18.2' } },
    });
  });

  test('bad data is INVALID_ARGUMENT naming the problem; a missing method is UNIMPLEMENTED', async () => {
    await assert.rejects(
      call(model, 'Predict', toProtoMessage({ data: { ndarray: [1, 2] } })),
      (e: ServiceError) => {
        assert.equal(e.code, GrpcStatus.INVALID_ARGUMENT);
        assert.match(e.details, /Incorrect shape \[2\]/);
        return true;
      },
    );
    await assert.rejects(
      call(model, 'Predict', {}),
      (e: ServiceError) => e.code === GrpcStatus.INVALID_ARGUMENT,
    );
    await assert.rejects(
      call(generic, 'Route', toProtoMessage({ data: { ndarray: [[1]] } })),
      (e: ServiceError) => {
        assert.equal(e.code, GrpcStatus.UNIMPLEMENTED);
        assert.match(e.details, /Route not defined/);
        return true;
      },
    );
  });

  test('SendFeedback answers and counts the reward', async () => {
    const res = await call(
      model,
      'SendFeedback',
      toProtoFeedback({ request: { data: { ndarray: [[0, 0]] } }, reward: 1 }),
    );
    assert.deepEqual(res.meta?.requestPath, { classifier: 'seldonio/mock_classifier:1.18.2' });
    assert.match(await metrics.registry.metrics(), /^seldon_api_model_feedback_reward_total 1$/m);
  });
});
