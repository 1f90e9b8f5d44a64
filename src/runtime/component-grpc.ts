/**
 * The component microservice over gRPC: the seldon.protos component
 * services (Generic, Model, Router, Transformer, OutputTransformer,
 * Combiner), each method calling the component as the REST wrapper does.
 */
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  type UntypedServiceImplementation,
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
import type { SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from './component.js';
import type { ComponentMetrics } from './component-metrics.js';
import {
  type InvokeContext,
  invokeAggregate,
  invokePredict,
  invokeRoute,
  invokeSendFeedback,
  invokeTransformInput,
  invokeTransformOutput,
} from './invoke-component.js';
import type { UnitIdentity } from './unit-identity.js';

export interface ComponentGrpcOptions {
  unit?: UnitIdentity;
  /** Shared with the REST server so /metrics counts both. */
  metrics?: ComponentMetrics;
}

export interface ComponentGrpcServer {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  close(graceMs?: number): Promise<void>;
}

type Unary = (
  call: ServerUnaryCall<unknown, ProtoSeldonMessage>,
  cb: sendUnaryData<ProtoSeldonMessage>,
) => void;

function unary(run: (req: unknown) => Promise<SeldonMessage>, metrics?: ComponentMetrics): Unary {
  return (call, cb) => {
    // Decoding throws synchronously: start inside a promise so every failure gets a status.
    Promise.resolve(call.request)
      .then(run)
      .then(
        (out) => {
          metrics?.recordCustom(out.meta?.metrics);
          cb(null, toProtoMessage(out));
        },
        (e) => cb(grpcStatusFor(e)),
      );
  };
}

export function createComponentGrpcServer(
  component: Component,
  opts: ComponentGrpcOptions = {},
): ComponentGrpcServer {
  const ctx: InvokeContext = { unit: opts.unit ?? {} };
  const m = opts.metrics;
  const msg = (req: unknown) => decodeSeldonMessage(fromProtoMessage(req as ProtoSeldonMessage));
  const predict = unary((r) => invokePredict(component, msg(r), ctx), m);
  const transformInput = unary((r) => invokeTransformInput(component, msg(r), ctx), m);
  const transformOutput = unary((r) => invokeTransformOutput(component, msg(r), ctx), m);
  const route = unary((r) => invokeRoute(component, msg(r), ctx), m);
  const aggregate = unary((r) => {
    const list = ((r as { seldonMessages?: ProtoSeldonMessage[] }).seldonMessages ?? []).map((x, i) =>
      decodeSeldonMessage(fromProtoMessage(x), { path: `seldonMessages[${i}].` }),
    );
    return invokeAggregate(component, list, ctx);
  }, m);
  const sendFeedback = unary(async (r) => {
    const fb = decodeFeedback(fromProtoFeedback(r as ProtoFeedback));
    const out = await invokeSendFeedback(component, fb, ctx);
    m?.recordFeedback(fb.reward ?? 0);
    return out;
  }, m);

  const { services } = loadSeldonProto();
  const server = new Server();
  const impls: [keyof typeof services, UntypedServiceImplementation][] = [
    [
      'Generic',
      {
        TransformInput: transformInput,
        TransformOutput: transformOutput,
        Route: route,
        Aggregate: aggregate,
        SendFeedback: sendFeedback,
      },
    ],
    ['Model', { Predict: predict, SendFeedback: sendFeedback }],
    ['Router', { Route: route, SendFeedback: sendFeedback }],
    ['Transformer', { TransformInput: transformInput }],
    ['OutputTransformer', { TransformOutput: transformOutput }],
    ['Combiner', { Aggregate: aggregate }],
  ];
  for (const [name, impl] of impls) server.addService(services[name].service, impl);

  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
          err ? reject(err) : resolve(bound),
        );
      }),
    close: (graceMs = 5000) =>
      new Promise((resolve) => {
        // Calls in flight get graceMs to finish; then connections are cut.
        const hard = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(hard);
          resolve();
        });
      }),
  };
}
