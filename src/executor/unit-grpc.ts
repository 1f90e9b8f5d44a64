/**
 * The unit's gRPC front: seldon.protos.Seldon Predict and SendFeedback,
 * served by the same graph engine as REST on our own unary server
 * (grpc/unary-server.ts) with proto-loader's codecs. Failures become gRPC
 * statuses whose message carries the Seldon error code and reason.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import type { MethodDefinition } from '@grpc/proto-loader';
import { protoMethod } from '../grpc/proto-method.js';
import { startUnaryServer } from '../grpc/unary-server.js';
import { decodeFeedback, decodeSeldonMessage } from '../protocol/decode-seldon-message.js';
import { grpcStatusFor } from '../protocol/grpc-status.js';
import {
  fromProtoFeedback,
  fromProtoMessage,
  type ProtoFeedback,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../protocol/proto-convert.js';
import { toSdepError } from '../protocol/seldon-error.js';
import { seldonPackageDefinition } from '../protocol/seldon-proto-definition.js';
import type { GraphExecutor } from './graph-executor.js';
import type { UnitLogger } from './unit-http.js';

export interface UnitGrpcOptions {
  executor: GraphExecutor;
  host: string;
  port: number;
  log: UnitLogger;
  maxMessageBytes?: number;
}

export interface UnitGrpcServer {
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

function puidOf(headers: IncomingHttpHeaders): { puid?: string } {
  const v = headers['seldon-puid'];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? { puid: s.trim() } : {};
}

export async function startUnitGrpc(opts: UnitGrpcOptions): Promise<UnitGrpcServer> {
  const service = seldonPackageDefinition()['seldon.protos.Seldon'] as Record<
    'Predict' | 'SendFeedback',
    MethodDefinition<object, object>
  >;
  const { executor, log } = opts;
  return startUnaryServer({
    host: opts.host,
    port: opts.port,
    maxReceiveBytes: opts.maxMessageBytes ?? 10 * 1024 * 1024,
    methods: new Map([
      protoMethod<ProtoSeldonMessage>(service.Predict, async (req, headers) =>
        toProtoMessage(await executor.predict(decodeSeldonMessage(fromProtoMessage(req)), puidOf(headers))),
      ),
      protoMethod<ProtoFeedback>(service.SendFeedback, async (req, headers) =>
        toProtoMessage(await executor.feedback(decodeFeedback(fromProtoFeedback(req)), puidOf(headers))),
      ),
    ]),
    failure(err) {
      const e = toSdepError(err);
      if (e.status >= 500) log.warn({ err: e }, 'gRPC request failed');
      return grpcStatusFor(e);
    },
  });
}
