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
import type { Deadline, Deadlines, DueQueue } from './deadlines.js';
import type { GatewayContext, GatewayMetricsSink, ShadowOutcome, TableState } from './gateway-context.js';
import type { ShadowPair } from './shadow-compare.js';
import { shadowLines, toShadowHeaders } from './upstream-headers.js';

class MirrorRequest implements DispatchHandler, Deadline {
  private readonly cluster: Cluster;
  private readonly endpoint: EndpointState;
  private readonly deadlines: Deadlines;
  private controller: DispatchController | undefined;
  private done = false;
  private timedOut = false;
  private status = 0;
  private readonly pair: ShadowPair | undefined;
  private readonly metrics: GatewayMetricsSink | undefined;
  // Deadline (deadlines.ts): the mirror's timeout, on the exchanges' shared list.
  dueAt = 0;
  duePrev: Deadline | null = null;
  dueNext: Deadline | null = null;
  dueQueue: DueQueue | null = null;

  constructor(
    cluster: Cluster,
    endpoint: EndpointState,
    deadlines: Deadlines,
    pair: ShadowPair | undefined,
    metrics: GatewayMetricsSink | undefined,
  ) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.deadlines = deadlines;
    this.pair = pair;
    this.metrics = metrics;
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

  onDue(): void {
    this.timedOut = true;
    this.controller?.abort(new Error('shadow request timeout'));
  }

  private finish(outcome: ShadowOutcome): void {
    if (this.done) return;
    this.done = true;
    this.metrics?.observeShadow?.(this.cluster.spec.name, outcome);
    if (this.dueQueue !== null) this.deadlines.remove(this);
    this.endpoint.active--;
    this.cluster.breaker.endRequest();
    this.cluster.release();
  }
}

/**
 * Sends the shadow copy if the mirror cluster has room and an endpoint; never
 * throws. `fields`: the main request's upstream lines (upstreamLines), if any;
 * `pair`: the comparison watching this request, if sampled; `now`: a
 * performance.now() reading from the exchange, where the timeout starts.
 */
export function sendMirror(
  ctx: GatewayContext,
  state: TableState,
  route: Route,
  mirror: MirrorSpec,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer | null,
  fields: string | undefined,
  pair: ShadowPair | undefined,
  now: number,
): void {
  const metrics = ctx.metrics;
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
  const path = rewritePath(url, route, mirror);
  // A compared copy goes alone, as the main request does, so its latency is its own; the rest may be pipelined.
  const pool = pair === undefined ? cluster.mirrorPool(st) : cluster.pool(st);
  let lines: string | undefined;
  let shadowHeaders = headers;
  // Lines our pool writes as they are: the shared headers are then read for framing only.
  if (fields !== undefined && pool.writesFields === true)
    lines = shadowLines(headers, fields, url, path !== url);
  else shadowHeaders = toShadowHeaders(headers, url, path !== url);
  pair?.mirrorSent();
  const handler = new MirrorRequest(cluster, st, ctx.deadlines, pair, metrics);
  if (mirror.timeoutMs > 0) ctx.deadlines.add(handler, mirror.timeoutMs, now);
  try {
    // An uncompared shadow's response is read only to keep the connection: neither its headers nor its body are needed.
    pool.dispatch(
      { path, method, headers: shadowHeaders, body, discardResponse: pair === undefined, fields: lines },
      handler,
    );
  } catch {
    handler.onResponseError();
  }
}
