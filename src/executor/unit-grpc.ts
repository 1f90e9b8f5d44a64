/**
 * The unit's gRPC front: seldon.protos.Seldon Predict and SendFeedback,
 * served by the same graph engine as REST. Failures become gRPC statuses
 * whose details carry the Seldon error message.
 */
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { decodeFeedback, decodeSeldonMessage } from '../protocol/decode-seldon-message.js';
import { grpcStatusFor } from '../protocol/grpc-status.js';
import { loadSeldonProto } from '../protocol/load-seldon-proto.js';
import {
  fromProtoFeedback,
  fromProtoMessage,
  type ProtoFeedback,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../protocol/proto-convert.js';
import { toSdepError } from '../protocol/seldon-error.js';
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

function puidOf(md: Metadata): string | undefined {
  const v = md.get('seldon-puid')[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function fail(cb: sendUnaryData<ProtoSeldonMessage>, err: unknown, log: UnitLogger): void {
  const e = toSdepError(err);
  if (e.status >= 500) log.warn({ err: e }, 'gRPC request failed');
  const se: Partial<ServiceError> = { ...grpcStatusFor(e), message: e.message };
  cb(se as ServiceError, null);
}

export async function startUnitGrpc(opts: UnitGrpcOptions): Promise<UnitGrpcServer> {
  const { services } = loadSeldonProto();
  const max = opts.maxMessageBytes ?? 10 * 1024 * 1024;
  const server = new Server({ 'grpc.max_receive_message_length': max });
  const { executor, log } = opts;
  server.addService(services.Seldon.service, {
    Predict(
      call: ServerUnaryCall<ProtoSeldonMessage, ProtoSeldonMessage>,
      cb: sendUnaryData<ProtoSeldonMessage>,
    ) {
      (async () => {
        const msg = decodeSeldonMessage(fromProtoMessage(call.request));
        const puid = puidOf(call.metadata);
        const out = await executor.predict(msg, puid ? { puid } : {});
        cb(null, toProtoMessage(out));
      })().catch((err: unknown) => fail(cb, err, log));
    },
    SendFeedback(
      call: ServerUnaryCall<ProtoFeedback, ProtoSeldonMessage>,
      cb: sendUnaryData<ProtoSeldonMessage>,
    ) {
      (async () => {
        const fb = decodeFeedback(fromProtoFeedback(call.request));
        const puid = puidOf(call.metadata);
        const out = await executor.feedback(fb, puid ? { puid } : {});
        cb(null, toProtoMessage(out));
      })().catch((err: unknown) => fail(cb, err, log));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return {
    port,
    close(graceMs) {
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
