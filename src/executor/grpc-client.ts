/**
 * A remote component over gRPC (seldon.protos Model/Router/Transformer/...
 * services). Placeholder until the protocol's proto helpers land.
 */
import type { NodeType } from '../api/deployment-spec.js';
import type { ComponentClient } from './component-client.js';
import { nodeError } from './node-error.js';

export interface GrpcClientOptions {
  host: string;
  port: number;
  label?: string;
  type: NodeType;
}

export interface GrpcComponentClient extends ComponentClient {
  close(): Promise<void>;
}

export function grpcComponentClient(opts: GrpcClientOptions): GrpcComponentClient {
  const fail = async (): Promise<never> => {
    throw nodeError(
      'SDEP_COMPONENT_UNAVAILABLE',
      `gRPC components are not supported yet (${opts.host}:${opts.port})`,
      503,
    );
  };
  return {
    kind: 'grpc',
    ...(opts.label ? { label: opts.label } : {}),
    call: fail,
    aggregate: fail,
    sendFeedback: fail,
    close: async () => {},
  };
}
