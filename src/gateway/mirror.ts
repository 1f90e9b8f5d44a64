/**
 * Shadow traffic: a copy of the request goes to the mirror cluster with
 * `-shadow` appended to the Host. Fire and forget: the response is read and
 * dropped, and nothing about it (status, error, latency) reaches the client.
 * When the shadow comparison watches the request (shadow-compare.ts), the
 * response is handed to it on the way.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { DispatchController, DispatchHandler } from '../http1/dispatch.js';
import { type MirrorSpec, type Route, rewritePath } from '../routing/index.js';
import type { Cluster, EndpointState } from './cluster.js';
import type { GatewayMetricsSink, ShadowOutcome, TableState } from './gateway-context.js';
import { type ShadowPair, shadowPairFor } from './shadow-compare.js';
import { toShadowHeaders, upstreamLines } from './upstream-headers.js';

class MirrorRequest implements DispatchHandler {
  private readonly cluster: Cluster;
  private readonly endpoint: EndpointState;
  private controller: DispatchController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private timedOut = false;
  private status = 0;
  private readonly pair: ShadowPair | undefined;
  private readonly metrics: GatewayMetricsSink | undefined;

  constructor(
    cluster: Cluster,
    endpoint: EndpointState,
    timeoutMs: number,
    pair: ShadowPair | undefined,
    metrics: GatewayMetricsSink | undefined,
  ) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.pair = pair;
    this.metrics = metrics;
    if (timeoutMs > 0) this.timer = setTimeout(onMirrorTimeout, timeoutMs, this);
  }

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(_c: DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.pair?.shadowHead(status, headers);
  }

  onResponseData(_c: DispatchController, chunk: Buffer): void {
    this.pair?.shadowData(chunk);
  }

  onResponseEnd(): void {
    this.finish(this.status >= 500 ? 'upstream_5xx' : 'ok');
    this.pair?.shadowEnd(true);
  }

  onResponseError(): void {
    this.finish(this.timedOut ? 'timeout' : 'error');
    this.pair?.shadowEnd(false);
  }

  timeout(): void {
    this.timer = undefined;
    this.timedOut = true;
    this.controller?.abort(new Error('shadow request timeout'));
  }

  private finish(outcome: ShadowOutcome): void {
    if (this.done) return;
    this.done = true;
    this.metrics?.observeShadow?.(this.cluster.spec.name, outcome);
    if (this.timer) clearTimeout(this.timer);
    this.endpoint.active--;
    this.cluster.breaker.endRequest();
    this.cluster.release();
  }
}

function onMirrorTimeout(m: MirrorRequest): void {
  m.timeout();
}

/**
 * Sends the shadow copy if the mirror cluster has room and an endpoint; never
 * throws. `fields`: the client's header lines to pass on (RequestHead.fields).
 */
export function sendMirror(
  state: TableState,
  route: Route,
  mirror: MirrorSpec,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer | null,
  metrics: GatewayMetricsSink | undefined,
  fields: string | undefined,
): void {
  const cluster = state.clusters.get(mirror.cluster);
  if (cluster === undefined || cluster.spec.http2) return;
  if (!cluster.breaker.tryStartRequest()) {
    metrics?.observeShadow?.(cluster.spec.name, 'overflow');
    return;
  }
  const st = cluster.pick(undefined);
  if (st === undefined) {
    cluster.breaker.endRequest();
    metrics?.observeShadow?.(cluster.spec.name, 'no_endpoint');
    return;
  }
  cluster.acquire();
  st.active++;
  const shadowHeaders = toShadowHeaders(headers);
  const path = rewritePath(url, route, mirror);
  if (path !== url && shadowHeaders['x-envoy-original-path'] === undefined) {
    shadowHeaders['x-envoy-original-path'] = url;
  }
  const lines = fields === undefined ? undefined : upstreamLines(shadowHeaders, fields);
  const pair = shadowPairFor(headers);
  pair?.mirrorSent();
  const handler = new MirrorRequest(cluster, st, mirror.timeoutMs, pair, metrics);
  try {
    // An uncompared shadow's response is read only to keep the connection: its headers are not needed.
    cluster
      .pool(st)
      .dispatch(
        { path, method, headers: shadowHeaders, body, framingHeadersOnly: pair === undefined, fields: lines },
        handler,
      );
  } catch {
    handler.onResponseError();
  }
}
