/**
 * Shadow traffic: a copy of the request goes to the mirror cluster with
 * `-shadow` appended to the Host. Fire and forget: the response is read and
 * dropped, and nothing about it (status, error, latency) reaches the client.
 * When the shadow comparison watches the request (shadow-compare.ts), the
 * response is handed to it on the way.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { type MirrorSpec, type Route, rewritePath } from '../routing/index.js';
import type { Cluster, EndpointState } from './cluster.js';
import type { TableState } from './gateway-context.js';
import { type ShadowPair, shadowPairFor } from './shadow-compare.js';
import { toShadowHeaders } from './upstream-headers.js';

class MirrorRequest implements Dispatcher.DispatchHandler {
  private readonly cluster: Cluster;
  private readonly endpoint: EndpointState;
  private controller: Dispatcher.DispatchController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private readonly pair: ShadowPair | undefined;

  constructor(cluster: Cluster, endpoint: EndpointState, timeoutMs: number, pair: ShadowPair | undefined) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.pair = pair;
    if (timeoutMs > 0) this.timer = setTimeout(onMirrorTimeout, timeoutMs, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.pair?.shadowHead(status, headers);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.pair?.shadowData(chunk);
  }

  onResponseEnd(): void {
    this.finish();
    this.pair?.shadowEnd(true);
  }

  onResponseError(): void {
    this.finish();
    this.pair?.shadowEnd(false);
  }

  timeout(): void {
    this.timer = undefined;
    this.controller?.abort(new Error('shadow request timeout'));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.endpoint.active--;
    this.cluster.breaker.endRequest();
    this.cluster.release();
  }
}

function onMirrorTimeout(m: MirrorRequest): void {
  m.timeout();
}

/** Sends the shadow copy if the mirror cluster has room and an endpoint; never throws. */
export function sendMirror(
  state: TableState,
  route: Route,
  mirror: MirrorSpec,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer | null,
): void {
  const cluster = state.clusters.get(mirror.cluster);
  if (cluster === undefined || cluster.spec.http2) return;
  if (!cluster.breaker.tryStartRequest()) return;
  const st = cluster.pick(undefined);
  if (st === undefined) {
    cluster.breaker.endRequest();
    return;
  }
  cluster.acquire();
  st.active++;
  const shadowHeaders = toShadowHeaders(headers);
  const path = rewritePath(url, route, mirror);
  if (path !== url && shadowHeaders['x-envoy-original-path'] === undefined) {
    shadowHeaders['x-envoy-original-path'] = url;
  }
  const pair = shadowPairFor(headers);
  pair?.mirrorSent();
  const handler = new MirrorRequest(cluster, st, mirror.timeoutMs, pair);
  try {
    cluster.pool(st).dispatch({ path, method, headers: shadowHeaders, body }, handler);
  } catch {
    handler.onResponseError();
  }
}
