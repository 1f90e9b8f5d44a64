/**
 * Shadow traffic on gRPC routes: the request stream is copied, chunk by
 * chunk, onto an HTTP/2 stream to the mirror cluster (authority with
 * `-shadow`, as Envoy does); its answer is read and dropped. The copy never
 * slows the main stream: it does not take part in backpressure, and a
 * mirror that falls more than MAX_BUFFERED behind is cancelled.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import type { MirrorSpec } from '../routing/index.js';
import type { DownstreamRequest } from './downstream.js';
import type { GatewayMetricsSink, ShadowOutcome, TableState } from './gateway-context.js';
import { shadowHost, toH2RequestHeaders } from './upstream-headers.js';

const MAX_BUFFERED = 1024 * 1024;
const { NGHTTP2_CANCEL } = http2.constants;

export function sendGrpcMirror(
  state: TableState,
  mirror: MirrorSpec,
  req: DownstreamRequest,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  metrics: GatewayMetricsSink | undefined,
): void {
  const cluster = state.clusters.get(mirror.cluster);
  if (cluster === undefined) return;
  const name = cluster.spec.name;
  if (!cluster.breaker.tryStartRequest()) {
    metrics?.observeShadow?.(name, 'overflow');
    return;
  }
  const st = cluster.pick(undefined);
  if (st === undefined) {
    cluster.breaker.endRequest();
    metrics?.observeShadow?.(name, 'no_endpoint');
    return;
  }
  cluster.acquire();
  st.active++;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let stream: http2.ClientHttp2Stream | undefined;
  let status = 0;
  const finish = (outcome: ShadowOutcome) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    if (stream && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
    st.active--;
    cluster.breaker.endRequest();
    cluster.release();
    metrics?.observeShadow?.(name, outcome);
  };
  const onData = (chunk: Buffer) => {
    if (done || !stream) return;
    if (stream.writableLength > MAX_BUFFERED) finish('overflow');
    else stream.write(chunk);
  };
  const onEnd = () => {
    if (!done) stream?.end();
  };

  const h2headers = toH2RequestHeaders(
    headers,
    method,
    path,
    cluster.spec.tls,
    shadowHost(headers.host ?? st.endpoint.host),
  );
  try {
    stream = cluster.session(st).request(h2headers);
  } catch {
    finish('error');
    return;
  }
  if (mirror.timeoutMs > 0) timer = setTimeout(() => finish('timeout'), mirror.timeoutMs);
  // gRPC failures of the server's own (UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE) count as 5xx
  const grpcFailed = (h: IncomingHttpHeaders) => [2, 4, 13, 14].includes(Number(h['grpc-status'] ?? 0));
  stream.on('response', (h) => {
    status = Number(h[':status'] ?? 200);
    if (grpcFailed(h) && status < 500) status = 500;
  });
  stream.on('trailers', (t) => {
    if (grpcFailed(t) && status < 500) status = 500;
  });
  stream.on('data', () => {});
  stream.on('end', () => finish(status >= 500 || status === 0 ? 'upstream_5xx' : 'ok'));
  stream.on('error', () => finish('error'));
  stream.on('close', () => finish(status === 0 ? 'error' : status >= 500 ? 'upstream_5xx' : 'ok'));
  req.on('data', onData);
  req.on('end', onEnd);
}
