/** The unit's gRPC front (seldon.protos.Seldon). Placeholder until the protocol's proto helpers land. */
import type { GraphExecutor } from './graph-executor.js';
import type { UnitLogger } from './unit-http.js';

export interface UnitGrpcOptions {
  executor: GraphExecutor;
  host: string;
  port: number;
  log: UnitLogger;
}

export interface UnitGrpcServer {
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

export async function startUnitGrpc(_opts: UnitGrpcOptions): Promise<UnitGrpcServer> {
  return { port: 0, close: async () => {} };
}
