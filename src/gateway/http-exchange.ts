/**
 * One proxied HTTP request (HTTP/1.1 upstream over the cluster's dispatcher:
 * our keep-alive pool, or undici's for TLS): the exchange is itself the
 * dispatch handler, so the hot path makes one object per request and no
 * closures. It owns the route timeout, retries, the body buffer needed to
 * replay or mirror, and backpressure both ways.
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { SdepError } from '../core/sdep-error.js';
import {
  type DispatchController,
  type DispatchHandler,
  type DispatchOptions,
  UpstreamCodes,
} from '../http1/dispatch.js';
import { readClock } from '../http1/read-clock.js';
import { type Route, shouldMirror, type WeightedTarget } from '../routing/index.js';
import type { Cluster, EndpointState } from './cluster.js';
import type { Deadline, DueQueue } from './deadlines.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { GatewayContext, TableState } from './gateway-context.js';
import {
  noHealthyUpstreamError,
  overflowError,
  type ResetReason,
  resetError,
  sendLocalReply,
  streamIdleError,
  timeoutError,
} from './local-reply.js';
import { sendMirror } from './mirror.js';
import {
  backoffMs,
  type FailureKind,
  isRetriableFailure,
  isRetriableStatus,
  MAX_REPLAY_BODY,
} from './retry.js';
import type { ShadowPair } from './shadow-compare.js';
import { downstreamLines, toDownstreamHeaders, upstreamLines } from './upstream-headers.js';

const kExchange = Symbol('sdep.exchange');

interface Tagged {
  [kExchange]?: HttpExchange;
}

/** Bodies up to this size (declared by content-length) are buffered, not streamed, upstream. */
const SMALL_BODY = 64 * 1024;

const TIMEOUT = new Error('route timeout');
const CLIENT_GONE = new Error('downstream closed');

export class HttpExchange implements DispatchHandler, Deadline {
  private readonly ctx: GatewayContext;
  private readonly state: TableState;
  private readonly req: DownstreamRequest;
  private readonly res: DownstreamResponse;
  private readonly route: Route;
  private readonly target: WeightedTarget;
  private readonly cluster: Cluster;
  private readonly method: string;
  private readonly url: string;
  private readonly path: string;
  private readonly headers: IncomingHttpHeaders;
  /** `headers` as lines, for our pool to write as they are (DispatchOptions.fields). */
  private readonly fields: string | undefined;
  private readonly startedAt: number;
  private readonly hasBody: boolean;

  private body: Buffer | Readable | null = null;
  private chunks: Buffer[] = [];
  private bodyLength = 0;
  private replayable = true;
  private mirror = false;
  /** The shadow comparison watching this request, when sampled. */
  private pair: ShadowPair | undefined;

  private endpoint: EndpointState | undefined;
  private controller: DispatchController | undefined;
  private upstreamStart = 0;
  private attemptActive = false;
  private discard = false;
  private retries = 0;
  private attemptHoldsRetry = false;
  private nextHoldsRetry = false;
  // Deadline (deadlines.ts): the route timeout.
  dueAt = 0;
  duePrev: Deadline | null = null;
  dueNext: Deadline | null = null;
  dueQueue: DueQueue | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private timedOut = false;
  /** The downstream response is complete or abandoned: nothing more is written. */
  private settled = false;
  private finished = false;
  private status = 0;
  private flag = '-';

  constructor(
    ctx: GatewayContext,
    state: TableState,
    req: DownstreamRequest,
    res: DownstreamResponse,
    route: Route,
    target: WeightedTarget,
    cluster: Cluster,
    method: string,
    url: string,
    path: string,
    headers: IncomingHttpHeaders,
    hasBody: boolean,
  ) {
    this.hasBody = hasBody;
    this.ctx = ctx;
    this.state = state;
    this.req = req;
    this.res = res;
    this.route = route;
    this.target = target;
    this.cluster = cluster;
    this.method = method;
    this.url = url;
    this.path = path;
    this.headers = headers;
    const fields = req.headerFields;
    this.fields = fields === undefined ? undefined : upstreamLines(headers, fields);
    this.startedAt = readClock();
  }

  start(): void {
    const cluster = this.cluster;
    if (!cluster.breaker.tryStartRequest()) {
      // Overflow: answered at once, nothing sent upstream.
      this.settled = true;
      this.finished = true;
      this.reply(overflowError());
      this.report();
      return;
    }
    cluster.acquire();
    this.ctx.inflight++;
    const res = this.res;
    if (res.watchClose !== undefined) res.watchClose(this);
    else {
      (res as Tagged)[kExchange] = this;
      res.on('close', onDownstreamClose);
    }
    const timeoutMs = this.target.timeoutMs;
    if (timeoutMs > 0) this.ctx.deadlines.add(this, timeoutMs, this.startedAt);

    const route = this.route;
    const mirror = route.mirror;
    this.mirror = mirror !== undefined && shouldMirror(route, this.ctx.random() * 100);
    const compare = this.ctx.shadowCompare;
    if (this.mirror && compare !== undefined) {
      this.pair = compare.tap(this.res, route.id, cluster.spec.name, mirror!.cluster, this.startedAt);
    }
    if (!this.hasBody) {
      this.begin();
      return;
    }
    const buffered = this.req.bufferedBody;
    if (buffered !== undefined) {
      // The front end read the whole body with the head: replayable as it is.
      this.body = buffered;
      this.bodyLength = buffered.length;
      this.begin();
      return;
    }
    const declared = this.req.headers['content-length'];
    if (
      ((route.retry !== undefined || this.mirror) &&
        (declared === undefined || Number(declared) <= MAX_REPLAY_BODY)) ||
      (declared !== undefined && Number(declared) <= SMALL_BODY)
    ) {
      // Replay (retry or mirror) needs the body: buffer it, up to the limit.
      // A small body of known length is buffered too: undici then writes
      // head and body in one corked write, without its stream-body machinery.
      (this.req as Tagged)[kExchange] = this;
      this.req.on('data', onBodyData);
      this.req.on('end', onBodyEnd);
      return;
    }
    this.streamBody(this.req);
  }

  private streamBody(body: Readable): void {
    this.body = body;
    this.replayable = false;
    this.mirror = false;
    this.begin();
  }

  bodyData(chunk: Buffer): void {
    this.bodyLength += chunk.length;
    this.chunks.push(chunk);
    if (this.bodyLength > MAX_REPLAY_BODY) {
      // Over the buffer limit: stream what we have and the rest, without replay.
      const req = this.req;
      req.removeListener('data', onBodyData);
      req.removeListener('end', onBodyEnd);
      const pass = new PassThrough();
      for (const c of this.chunks) pass.write(c);
      this.chunks = [];
      req.pipe(pass);
      this.streamBody(pass);
    }
  }

  bodyEnd(): void {
    const chunks = this.chunks;
    this.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.bodyLength);
    this.chunks = [];
    this.begin();
  }

  private begin(): void {
    if (this.settled) {
      this.finishIfDone();
      return;
    }
    if (!(this.mirror && this.replayable)) {
      this.dispatchAttempt();
      return;
    }
    // The main request goes out first: its upstream reads it before the copy.
    const { ctx, state, route, method, url, headers, body, fields, pair } = this;
    this.dispatchAttempt();
    sendMirror(
      ctx,
      state,
      route,
      route.mirror!,
      method,
      url,
      headers,
      Buffer.isBuffer(body) ? body : null,
      fields,
      pair,
      // The mirror's timeout runs from its send: after the body, when that was read apart from the head.
      readClock(),
    );
  }

  private dispatchAttempt(): void {
    const st = this.cluster.pick(this.endpoint);
    if (st === undefined) {
      this.fail(noHealthyUpstreamError(), 'UH');
      return;
    }
    this.endpoint = st;
    st.active++;
    this.attemptActive = true;
    this.attemptHoldsRetry = this.nextHoldsRetry;
    this.nextHoldsRetry = false;
    this.discard = false;
    this.controller = undefined;
    this.upstreamStart = readClock();
    try {
      const opts: DispatchOptions = {
        path: this.path,
        method: this.method,
        headers: this.headers,
        body: this.body,
        fields: this.fields,
      };
      // Per-try timeout bounds the wait for response headers; idle_timeout_ms any silence.
      const perTry = this.route.retry?.perTryTimeoutMs;
      const idle = this.target.idleTimeoutMs;
      if (perTry !== undefined && perTry > 0) opts.headersTimeout = perTry;
      else if (idle !== undefined && idle > 0) opts.headersTimeout = idle;
      if (idle !== undefined && idle > 0) opts.bodyTimeout = idle;
      this.cluster.pool(st).dispatch(opts, this);
    } catch (err) {
      this.onResponseError(undefined, err as Error);
    }
  }

  // --- DispatchHandler (http1/dispatch.ts) ---

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(CLIENT_GONE);
  }

  onResponseStart(
    _controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    _statusMessage?: string,
    fields?: string,
  ): void {
    if (statusCode < 200 || this.settled) return;
    const retry = this.route.retry;
    if (
      retry !== undefined &&
      isRetriableStatus(retry.retryOn, statusCode, this.headers) &&
      this.takeRetry()
    ) {
      // Read and drop this response; the retry starts when it ends.
      this.discard = true;
      return;
    }
    this.status = statusCode;
    const serviceTime = Math.round(readClock() - this.upstreamStart);
    const res = this.res;
    if (fields !== undefined && res.writeHeadForwarded !== undefined) {
      const added = downstreamLines(headers, serviceTime);
      if (added !== undefined && res.writeHeadForwarded(statusCode, headers, fields, added)) return;
    }
    res.writeHead(statusCode, toDownstreamHeaders(headers as OutgoingHttpHeaders, serviceTime));
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    if (this.discard || this.settled) return;
    const res = this.res;
    // The chunk is valid only during this call (it may lie in the pool's read buffer).
    if (!res.write(res.copiesWrites === true ? chunk : Buffer.from(chunk))) {
      controller.pause();
      this.res.once('drain', onDownstreamDrain);
    }
  }

  onResponseEnd(): void {
    this.endAttempt();
    if (this.discard) {
      this.scheduleRetry();
      return;
    }
    if (!this.settled) {
      this.settled = true;
      this.res.end();
    }
    this.finishIfDone();
  }

  onResponseError(_controller: DispatchController | undefined, err: Error): void {
    this.endAttempt();
    if (this.settled) {
      this.finishIfDone();
      return;
    }
    if (this.discard) {
      // The response we were dropping for a retry broke off: retry anyway.
      this.scheduleRetry();
      return;
    }
    if (this.res.headersSent) {
      this.settled = true;
      this.res.destroy();
      this.finishIfDone();
      return;
    }
    const kind = failureKind(err, this.route.retry?.perTryTimeoutMs !== undefined);
    if (kind === 'idle') {
      this.fail(streamIdleError(), 'SI');
      return;
    }
    const retry = this.route.retry;
    if (retry !== undefined && isRetriableFailure(retry.retryOn, kind) && this.takeRetry()) {
      this.scheduleRetry();
      return;
    }
    if (kind === 'timeout') {
      this.fail(timeoutError(), 'UT');
      return;
    }
    const error = resetError(REASONS[kind], this.retries > 0);
    this.fail(error, error.flag ?? (kind === 'protocol' ? 'UPE' : 'UC'));
  }

  // --- retries ---

  private takeRetry(): boolean {
    const retry = this.route.retry!;
    if (!this.replayable || this.timedOut || this.retries >= retry.numRetries) return false;
    if (!this.cluster.breaker.tryStartRetry()) return false;
    this.nextHoldsRetry = true;
    this.retries++;
    return true;
  }

  private scheduleRetry(): void {
    if (this.settled) {
      this.finishIfDone();
      return;
    }
    this.retryTimer = setTimeout(onRetryTimer, backoffMs(this.retries, this.ctx.random), this);
  }

  retryNow(): void {
    this.retryTimer = undefined;
    if (this.settled) {
      this.finishIfDone();
      return;
    }
    this.dispatchAttempt();
  }

  // --- ends ---

  private endAttempt(): void {
    if (!this.attemptActive) return;
    this.attemptActive = false;
    this.endpoint!.active--;
    this.controller = undefined;
    if (this.attemptHoldsRetry) {
      this.attemptHoldsRetry = false;
      this.cluster.breaker.endRetry();
    }
  }

  /** The route timeout. */
  onDue(): void {
    if (this.settled) return;
    this.timedOut = true;
    // Reply first: aborting the attempt calls back into onResponseError, which must see the exchange settled.
    const controller = this.attemptActive ? this.controller : undefined;
    this.fail(timeoutError(), 'UT');
    controller?.abort(TIMEOUT);
  }

  downstreamClosed(): void {
    if (this.settled) return;
    this.settled = true;
    this.status = 0;
    this.flag = 'DC';
    if (this.attemptActive) this.controller?.abort(CLIENT_GONE);
    this.finishIfDone();
  }

  downstreamDrained(): void {
    this.controller?.resume();
  }

  private fail(err: SdepError, flag: string): void {
    this.settled = true;
    this.flag = flag;
    this.status = err.status;
    this.reply(err);
    this.finishIfDone();
  }

  private reply(err: SdepError): void {
    if (this.status === 0) this.status = err.status;
    if (err.flag === 'UO') this.flag = 'UO';
    sendLocalReply(this.req, this.res, err);
  }

  private finishIfDone(): void {
    if (this.finished || !this.settled || this.attemptActive) return;
    this.finished = true;
    if (this.dueQueue !== null) this.ctx.deadlines.remove(this);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.nextHoldsRetry) {
      this.nextHoldsRetry = false;
      this.cluster.breaker.endRetry();
    }
    this.cluster.breaker.endRequest();
    this.cluster.release();
    this.report();
    this.ctx.requestDone();
  }

  private report(): void {
    const metrics = this.ctx.metrics;
    if (metrics === undefined) return;
    metrics.observeRequest(
      this.route.id,
      this.cluster.spec.name,
      this.status,
      this.flag,
      (readClock() - this.startedAt) / 1000,
    );
  }
}

const REASONS: Record<FailureKind, ResetReason> = {
  connect: 'connection failure',
  reset: 'connection termination',
  timeout: 'connection termination',
  'refused-stream': 'remote reset',
  protocol: 'protocol error',
};

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  UpstreamCodes.connectTimeout,
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** `perTry`: the headers timeout was set from the retry policy's per_try_timeout. */
export function failureKind(err: Error, perTry: boolean): FailureKind | 'idle' {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === UpstreamCodes.headersTimeout) {
      return perTry ? 'timeout' : 'idle';
    }
    if (code === 'UND_ERR_BODY_TIMEOUT' || code === UpstreamCodes.bodyTimeout) return 'idle';
    if (CONNECT_CODES.has(code)) return 'connect';
    if (
      code.startsWith('HPE_') ||
      code === 'UND_ERR_INVALID_ARG' ||
      code === UpstreamCodes.protocol ||
      code === UpstreamCodes.invalidHeader
    ) {
      return 'protocol';
    }
  }
  return 'reset';
}

function onDownstreamClose(this: Tagged): void {
  this[kExchange]?.downstreamClosed();
}

function onDownstreamDrain(this: Tagged): void {
  this[kExchange]?.downstreamDrained();
}

function onBodyData(this: Tagged, chunk: Buffer): void {
  this[kExchange]?.bodyData(chunk);
}

function onBodyEnd(this: Tagged): void {
  this[kExchange]?.bodyEnd();
}

function onRetryTimer(ex: HttpExchange): void {
  ex.retryNow();
}
