/**
 * gRPC load for the benches: h2load (bench/lib/h2load.ts) when Debian's
 * nghttp2-client is there or installs, else bench/lib/grpc-load.ts (a
 * grpc-js client, which saturates before the unit does) in its own process
 * (the load must not share the event loop of a bench that samples RSS).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { h2loadGrpc, haveH2load } from './h2load.js';
import { ROOT } from './sdep.js';

export interface GrpcLoadResult {
  requests: number;
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  errors: number;
}

const run = promisify(execFile);

/** Which client grpcLoad uses on this machine. */
export function grpcLoadTool(): 'h2load' | 'grpc-js' {
  return haveH2load() ? 'h2load' : 'grpc-js';
}

/** `connections` connections, each with one seldon.protos.Seldon/Predict call in flight, for `seconds`. */
export async function grpcLoad(
  port: number,
  connections: number,
  seconds: number,
  body: string,
  cpu?: string,
): Promise<GrpcLoadResult> {
  if (grpcLoadTool() === 'h2load') return h2loadGrpc(port, connections, seconds, body, cpu);
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench/lib/grpc-load.ts'),
      `127.0.0.1:${port}`,
      String(connections),
      String(seconds),
      body,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: (seconds + 60) * 1000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as GrpcLoadResult;
}
