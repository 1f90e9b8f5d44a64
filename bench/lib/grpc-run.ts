/**
 * Runs bench/lib/grpc-load.ts in its own process (the load must not share
 * the event loop of a bench that samples RSS meanwhile) and returns its
 * figures.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

/** `connections` channels, each with one seldon.protos.Seldon/Predict call in flight, for `seconds`. */
export async function grpcLoad(
  port: number,
  connections: number,
  seconds: number,
  body: string,
): Promise<GrpcLoadResult> {
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
