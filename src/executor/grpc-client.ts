/**
 * A remote component over gRPC: seldon.protos Model/Router/Transformer/
 * OutputTransformer/Combiner, picked by the node's type (Generic for what
 * those services lack). One channel per component; grpc-js keeps it open.
 */
import { type Client, credentials, status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { NodeType } from '../api/deployment-spec.js';
import { loadSeldonProto, type SeldonServiceName } from '../protocol/load-seldon-proto.js';
import {
  fromProtoMessage,
  type ProtoSeldonMessage,
  toProtoFeedback,
  toProtoMessage,
} from '../protocol/proto-convert.js';
import type { SeldonMessage } from '../protocol/seldon-message.js';
import type { CallOptions, ComponentClient, NodeMethod } from './component-client.js';
import { httpStatusFor } from './grpc-status.js';
import { ComponentReplyError, nodeError } from './node-error.js';

export interface GrpcClientOptions {
  host: string;
  port: number;
  label?: string;
  type: NodeType;
}

export interface GrpcComponentClient extends ComponentClient {
  close(): Promise<void>;
}

type Unary = (
  req: unknown,
  md: Metadata,
  opts: object,
  cb: (err: ServiceError | null, res: unknown) => void,
) => void;

const RPC: Record<NodeMethod | 'aggregate', string> = {
  predict: 'Predict',
  transformInput: 'TransformInput',
  transformOutput: 'TransformOutput',
  route: 'Route',
  aggregate: 'Aggregate',
};

function serviceFor(method: NodeMethod | 'aggregate' | 'sendFeedback', type: NodeType): SeldonServiceName {
  switch (method) {
    case 'predict':
      return 'Model';
    case 'route':
      return 'Router';
    case 'transformInput':
      return type === 'TRANSFORMER' ? 'Transformer' : 'Generic';
    case 'transformOutput':
      return type === 'OUTPUT_TRANSFORMER' ? 'OutputTransformer' : 'Generic';
    case 'aggregate':
      return 'Combiner';
    case 'sendFeedback':
      return type === 'ROUTER' ? 'Router' : type === 'MODEL' ? 'Model' : 'Generic';
  }
}

export function grpcComponentClient(opts: GrpcClientOptions): GrpcComponentClient {
  const { services } = loadSeldonProto();
  const target = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const clients = new Map<SeldonServiceName, Client>();
  const clientFor = (name: SeldonServiceName): Client => {
    let c = clients.get(name);
    if (!c) {
      c = new services[name](target, credentials.createInsecure());
      clients.set(name, c);
    }
    return c;
  };

  function unary(
    service: SeldonServiceName,
    rpc: string,
    req: unknown,
    o: CallOptions,
  ): Promise<SeldonMessage> {
    const client = clientFor(service);
    const fn = (client as unknown as Record<string, Unary>)[rpc]!;
    return new Promise((resolve, reject) => {
      const call = fn.call(client, req, new Metadata(), {}, (err, res) => {
        o.signal.removeEventListener('abort', onAbort);
        if (!err) return resolve(fromProtoMessage(res as ProtoSeldonMessage));
        if (o.signal.aborted) return reject(o.signal.reason);
        if (err.code === GrpcStatus.UNAVAILABLE) {
          return reject(
            nodeError(
              'SDEP_COMPONENT_UNAVAILABLE',
              `component '${o.node}' is unavailable at grpc://${target} (${service}/${rpc}): ${err.details}`,
              503,
              err,
            ),
          );
        }
        const status = httpStatusFor(err.code);
        reject(
          new ComponentReplyError(o.node, status, {
            status: {
              code: status,
              info: err.details,
              reason: `GRPC_${GrpcStatus[err.code]}`,
              status: 'FAILURE',
            },
          }),
        );
      }) as unknown as { cancel(): void } | undefined;
      const onAbort = () => call?.cancel();
      o.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    kind: 'grpc',
    ...(opts.label ? { label: opts.label } : {}),
    call: (method, msg, o) => unary(serviceFor(method, opts.type), RPC[method], toProtoMessage(msg), o),
    aggregate: (msgs, o) =>
      unary('Combiner', 'Aggregate', { seldonMessages: msgs.map((m) => toProtoMessage(m)) }, o),
    sendFeedback: (fb, _routing, o) =>
      unary(serviceFor('sendFeedback', opts.type), 'SendFeedback', toProtoFeedback(fb), o),
    async close() {
      for (const c of clients.values()) c.close();
    },
  };
}
