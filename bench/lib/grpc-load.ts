/**
 * Closed-loop gRPC load (no ghz on Debian): `node --import tsx bench/lib/grpc-load.ts
 * <host:port> <connections> <seconds> <json message>` keeps `connections`
 * calls of seldon.protos.Seldon/Predict in flight, each on its own channel,
 * and prints one JSON line: requests, rps, mean/p50/p99 (ms, from
 * per-call hrtime), errors.
 */
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { loadSeldonProto } from '../../src/protocol/load-seldon-proto.js';
import { toProtoMessage } from '../../src/protocol/proto-convert.js';
import type { SeldonMessage } from '../../src/protocol/seldon-message.js';

const [target, connArg, secArg, msgArg] = process.argv.slice(2);
const connections = Number(connArg ?? 16);
const seconds = Number(secArg ?? 5);
// the JSON SeldonMessage in proto-loader's object form (ndarray as google.protobuf.ListValue)
const message = toProtoMessage(JSON.parse(msgArg ?? '{}') as SeldonMessage);
const { services } = loadSeldonProto();
type Predict = (m: unknown, cb: (err: ServiceError | null) => void) => void;

const lat: number[] = [];
let errors = 0;
const end = performance.now() + seconds * 1000;
const startAt = performance.now();

async function loop(i: number): Promise<void> {
  const client = new services.Seldon(target!, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.channel_id': i,
  }) as unknown as { Predict: Predict; close(): void };
  while (performance.now() < end) {
    const t0 = performance.now();
    await new Promise<void>((resolve) =>
      client.Predict(message, (err) => {
        if (err) errors++;
        else lat.push(performance.now() - t0);
        resolve();
      }),
    );
  }
  client.close();
}

await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
const took = (performance.now() - startAt) / 1000;
lat.sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? Number.NaN;
const mean = lat.reduce((s, x) => s + x, 0) / Math.max(1, lat.length);
process.stdout.write(
  `${JSON.stringify({ requests: lat.length, rps: lat.length / took, mean, p50: pct(50), p99: pct(99), errors })}\n`,
);
