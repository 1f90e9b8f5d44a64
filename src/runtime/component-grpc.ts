/**
 * The component microservice over gRPC: the seldon.protos component
 * services (Generic, Model, Router, Transformer, OutputTransformer,
 * Combiner), each method calling the component as the REST wrapper does,
 * on the unit's unary gRPC server (grpc/unary-server.ts).
 */
import type { MethodDefinition } from '@grpc/proto-loader';
import { protoMethod } from '../grpc/proto-method.js';
import { startUnaryServer, type UnaryMethod, type UnaryServer } from '../grpc/unary-server.js';
import { decodeFeedback, decodeSeldonMessage } from '../protocol/decode-seldon-message.js';
import { grpcStatusFor } from '../protocol/grpc-status.js';
import {
  fromProtoFeedback,
  fromProtoMessage,
  type ProtoFeedback,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../protocol/proto-convert.js';
import type { SeldonMessage } from '../protocol/seldon-message.js';
import { seldonPackageDefinition } from '../protocol/seldon-proto-definition.js';
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
  listen(port: number, host?: string): Promise<number>;
  close(graceMs?: number): Promise<void>;
}

type Run = (req: unknown) => Promise<SeldonMessage>;

export function createComponentGrpcServer(
  component: Component,
  opts: ComponentGrpcOptions = {},
): ComponentGrpcServer {
  const ctx: InvokeContext = { unit: opts.unit ?? {} };
  const m = opts.metrics;
  const msg = (req: unknown) => decodeSeldonMessage(fromProtoMessage(req as ProtoSeldonMessage));
  const predict: Run = (r) => invokePredict(component, msg(r), ctx);
  const transformInput: Run = (r) => invokeTransformInput(component, msg(r), ctx);
  const transformOutput: Run = (r) => invokeTransformOutput(component, msg(r), ctx);
  const route: Run = (r) => invokeRoute(component, msg(r), ctx);
  const aggregate: Run = async (r) => {
    const list = ((r as { seldonMessages?: ProtoSeldonMessage[] }).seldonMessages ?? []).map((x, i) =>
      decodeSeldonMessage(fromProtoMessage(x), { path: `seldonMessages[${i}].` }),
    );
    return invokeAggregate(component, list, ctx);
  };
  const sendFeedback: Run = async (r) => {
    const fb = decodeFeedback(fromProtoFeedback(r as ProtoFeedback));
    const out = await invokeSendFeedback(component, fb, ctx);
    m?.recordFeedback(fb.reward ?? 0);
    return out;
  };

  const pkg = seldonPackageDefinition();
  const services: [string, Record<string, Run>][] = [
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
  const methods = new Map<string, UnaryMethod>();
  for (const [service, impl] of services) {
    const defs = pkg[`seldon.protos.${service}`] as Record<string, MethodDefinition<object, object>>;
    for (const [name, run] of Object.entries(impl)) {
      methods.set(
        ...protoMethod(defs[name]!, async (req) => {
          const out = await run(req);
          m?.recordCustom(out.meta?.metrics);
          return toProtoMessage(out);
        }),
      );
    }
  }

  let server: UnaryServer | undefined;
  return {
    async listen(port, host = '127.0.0.1') {
      if (server) throw new Error('the component gRPC server is already listening');
      server = await startUnaryServer({
        host,
        port,
        methods,
        maxReceiveBytes: 4 * 1024 * 1024,
        failure: grpcStatusFor,
      });
      return server.port;
    },
    // Calls in flight get graceMs to finish; then connections are cut.
    close: async (graceMs = 5000) => server?.close(graceMs),
  };
}
