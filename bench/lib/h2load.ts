/**
 * gRPC load from Debian's h2load (nghttp2-client): C, so the unit under
 * test, not the client, is what saturates (the grpc-js client tops out near
 * 2,000 calls/s on one core). Each of `connections` HTTP/2 connections keeps
 * one Predict call in flight (-m 1), the same framed protobuf body every
 * time. h2load counts HTTP statuses, and a gRPC failure is HTTP 200 too, so
 * a probe call first gives the answer's size and checks grpc-status 0; a
 * failure is a call whose DATA falls short of it. Latency comes from
 * h2load's per-request log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcFrame } from '../../src/grpc/unary-server.js';
import { toProtoMessage } from '../../src/protocol/proto-convert.js';
import type { SeldonMessage } from '../../src/protocol/seldon-message.js';
import { seldonPackageDefinition } from '../../src/protocol/seldon-proto-definition.js';
import type { GrpcLoadResult } from './grpc-run.js';
import { ensureDebian } from './proc.js';

const PREDICT = '/seldon.protos.Seldon/Predict';

export function haveH2load(): boolean {
  return ensureDebian('h2load', 'nghttp2-client');
}

/** A SeldonMessage (JSON) as one gRPC length-prefixed Predict request. */
export function predictFrame(json: string): Buffer {
  const def = seldonPackageDefinition()['seldon.protos.Seldon'] as unknown as Record<
    string,
    { requestSerialize(v: unknown): Buffer }
  >;
  return grpcFrame(def.Predict!.requestSerialize(toProtoMessage(JSON.parse(json) as SeldonMessage)));
}

/** One call: the answer's DATA size, refusing anything but grpc-status 0. */
function probe(port: number, frame: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const req = session.request({
      ':method': 'POST',
      ':path': PREDICT,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let size = 0;
    let status: string | undefined;
    req.on('response', (h) => {
      status = h['grpc-status'] as string | undefined;
    });
    req.on('trailers', (t) => {
      status = t['grpc-status'] as string | undefined;
    });
    req.on('data', (c: Buffer) => {
      size += c.length;
    });
    req.on('end', () => {
      session.close();
      if (status === '0' && size > 5) resolve(size);
      else reject(new Error(`probe call failed: grpc-status ${status}`));
    });
    req.on('error', reject);
    req.end(frame);
  });
}

export async function h2loadGrpc(
  port: number,
  connections: number,
  seconds: number,
  json: string,
  cpu?: string,
): Promise<GrpcLoadResult> {
  const frame = predictFrame(json);
  const answerBytes = await probe(port, frame);
  const dir = mkdtempSync(join(tmpdir(), 'sdep-h2load-'));
  try {
    const body = join(dir, 'body.bin');
    const log = join(dir, 'log.tsv');
    writeFileSync(body, frame);
    const args = [
      '-c',
      String(connections),
      '-m',
      '1',
      '-D',
      String(seconds),
      '-d',
      body,
      '-H',
      'content-type: application/grpc',
      '-H',
      'te: trailers',
      `--log-file=${log}`,
      `http://127.0.0.1:${port}${PREDICT}`,
    ];
    const [cmd, argv] = cpu !== undefined ? ['taskset', ['-c', cpu, 'h2load', ...args]] : ['h2load', args];
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.on('data', (c: Buffer) => {
        text += c.toString();
      });
      const kill = setTimeout(() => p.kill('SIGKILL'), (seconds + 30) * 1000);
      p.on('error', reject);
      p.on('close', (code) => {
        clearTimeout(kill);
        code === 0 ? resolve(text) : reject(new Error(`h2load exited ${code}: ${text.slice(-400)}`));
      });
    });
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
    const succeeded = num(/(\d+) succeeded/);
    const failed = num(/(\d+) failed/) + num(/(\d+) errored/) + num(/(\d+) timeout/);
    const dataBytes = num(/\(\d+\) total, [\d.]+\w*B \(\d+\) headers[^,]*, [\d.]+\w*B \((\d+)\) data/);
    // a gRPC failure carries no message: calls the DATA cannot account for
    const grpcFailures = Math.max(0, succeeded - Math.floor(dataBytes / answerBytes));
    const lat = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split('\t')[2]) / 1000)
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
    const pct = (p: number) =>
      lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? Number.NaN;
    return {
      requests: succeeded - grpcFailures,
      rps: num(/([\d.]+) req\/s/) * ((succeeded - grpcFailures) / Math.max(1, succeeded)),
      mean: lat.reduce((s, x) => s + x, 0) / Math.max(1, lat.length),
      p50: pct(50),
      p99: pct(99),
      errors: failed + grpcFailures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
