/**
 * gRPC Mappings: the request is proxied over HTTP/2 (h2c, or h2 over TLS)
 * end to end, streaming both ways, with response trailers (grpc-status)
 * passed through. A trailers-only upstream answer is forwarded as headers
 * plus trailers, which gRPC clients read the same way. Failures become
 * gRPC local replies (HTTP 200 + grpc-status).
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { SdepError } from '../core/sdep-error.js';
import type { Route, WeightedTarget } from '../routing/index.js';
import type { Cluster, EndpointState } from './cluster.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { GatewayContext } from './gateway-context.js';
import {
  noHealthyUpstreamError,
  overflowError,
  resetError,
  sendLocalReply,
  timeoutError,
} from './local-reply.js';
import { toDownstreamHeaders, toH2RequestHeaders } from './upstream-headers.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

export function proxyGrpc(
  ctx: GatewayContext,
  req: DownstreamRequest,
  res: DownstreamResponse,
  route: Route,
  target: WeightedTarget,
  cluster: Cluster,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): void {
  const startedAt = performance.now();
  const breaker = cluster.breaker;
  let status = 200;
  let flag = '-';
  const report = () => {
    ctx.metrics?.observeRequest(
      route.id,
      cluster.spec.name,
      status,
      flag,
      (performance.now() - startedAt) / 1000,
    );
  };
  if (!breaker.tryStartRequest()) {
    flag = 'UO';
    status = 503;
    sendLocalReply(req, res, overflowError());
    report();
    return;
  }
  cluster.acquire();
  ctx.inflight++;
  let endpoint: EndpointState | undefined;
  let upstream: http2.ClientHttp2Stream | undefined;
  let responded = false;
  let done = false;
  let timer: NodeJS.Timeout | undefined;

  const finish = () => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    if (endpoint) endpoint.active--;
    breaker.endRequest();
    cluster.release();
    report();
    ctx.requestDone();
  };
  const fail = (err: SdepError, f: string) => {
    flag = f;
    status = err.status;
    if (upstream && !upstream.destroyed) upstream.close(NGHTTP2_CANCEL);
    if (!responded) sendLocalReply(req, res, err);
    else res.destroy();
    responded = true;
    finish();
  };

  endpoint = cluster.pick(undefined);
  if (endpoint === undefined) {
    fail(noHealthyUpstreamError(), 'UH');
    return;
  }
  endpoint.active++;
  if (target.timeoutMs > 0) timer = setTimeout(() => fail(timeoutError(), 'UT'), target.timeoutMs);

  const h2headers = toH2RequestHeaders(
    headers,
    method,
    path,
    cluster.spec.tls,
    headers.host ?? endpoint.endpoint.host,
  );

  const upstreamStart = performance.now();
  const ep = endpoint;
  try {
    upstream = cluster.session(ep).request(h2headers);
  } catch {
    fail(resetError('connection failure', false), 'UF');
    return;
  }
  const up = upstream;
  res.on('close', () => {
    if (!done && !responded) {
      flag = 'DC';
      responded = true;
      up.close(NGHTTP2_CANCEL);
      finish();
    }
  });
  req.pipe(up);

  up.on('response', (upHeaders, flags) => {
    if (done) return;
    responded = true;
    const st = Number(upHeaders[':status'] ?? 200);
    status = st;
    const out: OutgoingHttpHeaders = {};
    for (const name in upHeaders) {
      if (name.charCodeAt(0) !== 58) out[name] = upHeaders[name];
    }
    toDownstreamHeaders(out, Math.round(performance.now() - upstreamStart));
    if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
      respondTrailersOnly(req, res, st, out);
      finish();
      return;
    }
    res.writeHead(st, out);
    up.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) {
        up.pause();
        res.once('drain', () => up.resume());
      }
    });
  });
  up.on('trailers', (trailers) => {
    const t: OutgoingHttpHeaders = {};
    for (const name in trailers) if (name.charCodeAt(0) !== 58) t[name] = trailers[name];
    res.addTrailers(t);
  });
  up.on('end', () => {
    if (done) return;
    if (!res.writableEnded) res.end();
    finish();
  });
  up.on('error', () => {
    if (done) return;
    if (responded) {
      flag = 'UR';
      res.destroy();
      finish();
      return;
    }
    const connected = ep.sessionReady;
    fail(resetError(connected ? 'remote reset' : 'connection failure', false), connected ? 'UR' : 'UF');
  });
  up.on('close', () => {
    if (done) return;
    if (!responded) {
      const refused = up.rstCode === NGHTTP2_REFUSED_STREAM || ep.sessionReady;
      fail(resetError(refused ? 'remote reset' : 'connection failure', false), refused ? 'UR' : 'UF');
      return;
    }
    if (!res.writableEnded) res.end();
    finish();
  });
}

/**
 * A trailers-only answer (status and metadata in the one HEADERS frame): sent
 * as such to an HTTP/2 client; an HTTP/1.1 client gets the metadata as trailers.
 */
function respondTrailersOnly(
  req: DownstreamRequest,
  res: DownstreamResponse,
  status: number,
  headers: OutgoingHttpHeaders,
): void {
  const stream = req.stream;
  if (stream !== undefined && !stream.headersSent && !stream.destroyed) {
    stream.respond({ ...headers, ':status': status }, { endStream: true });
    return;
  }
  const trailers: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (name !== 'content-type' && name !== 'server' && !name.startsWith('x-envoy-')) {
      trailers[name] = headers[name];
      delete headers[name];
    }
  }
  res.writeHead(status, headers);
  res.addTrailers(trailers);
  res.end();
}
