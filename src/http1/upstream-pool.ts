/**
 * A keep-alive pool of HTTP/1.1 connections to one upstream endpoint, for
 * the hot path: one request per connection at a time (no pipelining), at
 * most `connections` of them, the rest queued in order. It speaks the
 * dispatcher contract of dispatch.ts. A request that fails on a reused
 * connection before any byte of response (the upstream closed it while
 * idle) is sent once more on a fresh one when its body can be replayed.
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import net, { type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { LAST_CHUNK, writeChunk } from './chunked.js';
import {
  type DispatchController,
  type DispatchHandler,
  type DispatchOptions,
  UpstreamCodes,
  type UpstreamDispatcher,
  upstreamError,
} from './dispatch.js';
import { withHead } from './header-lines.js';
import { inReadCallback, readClock } from './read-clock.js';
import { requestHead, requestHeadFromLines } from './request-writer.js';
import { FramingError, type ResponseHead, ResponseParser, type ResponseSink } from './response-parser.js';
import { writeDirect } from './socket-writes.js';

export interface UpstreamPoolOptions {
  host: string;
  port: number;
  /** `host:port` for the Host header of requests that carry none (IPv6 in brackets). */
  authority: string;
  /** Most connections open at once. */
  connections: number;
  connectTimeoutMs: number;
  /** An idle connection is closed after this long. */
  keepAliveMs: number;
}

/** Margin under the upstream's advertised `Keep-Alive: timeout=N` before we stop reusing a connection. */
const KEEP_ALIVE_MARGIN_MS = 1000;

const EMPTY_TRAILERS = Object.freeze({});

/** Shared by every upstream socket: reads are consumed synchronously (see Connection.onRead). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class UpstreamRequest implements DispatchController, ResponseSink {
  readonly opts: DispatchOptions;
  readonly handler: DispatchHandler;
  readonly pool: UpstreamPool;
  conn: Connection | null = null;
  parser: ResponseParser;
  done = false;
  /** Bytes of the response have arrived (so it cannot be re-sent). */
  answered = false;
  bodySent = false;
  resentOnce = false;
  private headersTimer: NodeJS.Timeout | undefined;
  private bodyTimer: NodeJS.Timeout | undefined;
  private paused = false;
  head: ResponseHead | undefined;

  constructor(pool: UpstreamPool, opts: DispatchOptions, handler: DispatchHandler) {
    this.pool = pool;
    this.opts = opts;
    this.handler = handler;
    this.parser = new ResponseParser(this, opts.method === 'HEAD', opts.discardResponse !== true);
    const ht = opts.headersTimeout;
    if (ht !== undefined && ht > 0) this.headersTimer = setTimeout(onHeadersTimeout, ht, this);
  }

  // --- DispatchController ---

  abort(reason: Error): void {
    if (this.done) return;
    this.pool.dequeue(this);
    const conn = this.conn;
    this.fail(reason);
    conn?.destroy();
  }

  pause(): void {
    this.paused = true;
    this.conn?.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.conn?.socket.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  // --- ResponseSink (called from inside parser.feed) ---

  onHead(head: ResponseHead): void {
    this.head = head;
    if (this.headersTimer !== undefined) {
      clearTimeout(this.headersTimer);
      this.headersTimer = undefined;
    }
    const bt = this.opts.bodyTimeout;
    if (bt !== undefined && bt > 0) this.bodyTimer = setTimeout(onBodyTimeout, bt, this);
    this.handler.onResponseStart?.(this, head.status, head.headers, head.statusMessage, head.fields);
  }

  onData(chunk: Buffer): void {
    if (this.done) return;
    this.bodyTimer?.refresh();
    this.handler.onResponseData?.(this, chunk);
  }

  onEnd(): void {
    // Completion is handled by the connection once feed() returns (it needs the leftover count).
  }

  // --- ends ---

  succeed(): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    this.handler.onResponseEnd?.(this, EMPTY_TRAILERS);
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    this.handler.onResponseError?.(this, err);
  }

  private clearTimers(): void {
    if (this.headersTimer !== undefined) clearTimeout(this.headersTimer);
    if (this.bodyTimer !== undefined) clearTimeout(this.bodyTimer);
    this.headersTimer = undefined;
    this.bodyTimer = undefined;
  }

  timeout(code: string, message: string): void {
    this.headersTimer = undefined;
    this.bodyTimer = undefined;
    this.abort(upstreamError(code, message));
  }
}

function onHeadersTimeout(r: UpstreamRequest): void {
  r.timeout(UpstreamCodes.headersTimeout, 'upstream response headers timeout');
}

function onBodyTimeout(r: UpstreamRequest): void {
  r.timeout(UpstreamCodes.bodyTimeout, 'upstream response body timeout');
}

class Connection {
  readonly socket: Socket;
  readonly pool: UpstreamPool;
  req: UpstreamRequest | null = null;
  connected = false;
  /** Has carried a request before (a failure may mean the upstream closed it while idle). */
  reused = false;
  destroyed = false;
  idleSince = 0;
  /** readClock() after which the upstream may close it (from its Keep-Alive hint); 0: unknown. */
  expiresAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(pool: UpstreamPool, o: UpstreamPoolOptions) {
    this.pool = pool;
    // Reads land in one shared buffer and come straight to onData (no stream
    // machinery, no allocation per read), which parses them where they lie.
    const socket = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(n) },
    });
    this.socket = socket;
    (socket as SocketWithConn)[kConn] = this;
    if (o.connectTimeoutMs > 0) this.connectTimer = setTimeout(onConnectTimeout, o.connectTimeoutMs, this);
    socket.on('connect', onSocketConnect);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /** Past the upstream's own Keep-Alive timeout (less the margin): it may close it any moment. */
  expired(now: number): boolean {
    return this.expiresAt !== 0 && now >= this.expiresAt;
  }

  onConnect(): void {
    this.connected = true;
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const r = this.req;
    if (r !== null) this.send(r);
    else this.pool.connectionFree(this);
  }

  connectTimedOut(): void {
    this.connectTimer = undefined;
    this.failAndClose(upstreamError(UpstreamCodes.connectTimeout, 'upstream connect timeout'));
  }

  /** Assigns a request; sends it once connected. */
  assign(r: UpstreamRequest): void {
    this.req = r;
    r.conn = this;
    if (r.isPaused) this.socket.pause();
    if (this.connected) this.send(r);
  }

  private send(r: UpstreamRequest): void {
    const { method, path, body, fields } = r.opts;
    let headers = r.opts.headers;
    // A copy, not the caller's object: a mirror of the request may be sent from it after this.
    if (headers.host === undefined && fields === undefined)
      headers = { host: this.pool.authority, ...headers };
    const socket = this.socket;
    const length = bodyLength(body, headers);
    let head: string;
    try {
      head =
        fields === undefined
          ? requestHead(method, path, headers, length)
          : requestHeadFromLines(method, path, fields, headers, length);
    } catch (err) {
      r.conn = null;
      this.req = null;
      r.fail(err as Error);
      this.pool.connectionFree(this);
      return;
    }
    if (body === null || Buffer.isBuffer(body)) {
      // One buffer, one write: head and body together.
      writeDirect(socket, body === null || body.length === 0 ? head : withHead(head, body));
      r.bodySent = true;
      return;
    }
    socket.write(head, 'latin1');
    streamBody(this, r, body, length === -1);
  }

  /** `onread` callback: the bytes are in READ_BUFFER, valid only during this call. */
  onRead(n: number): boolean {
    // Parsed where they lie: whoever keeps body bytes copies them (DispatchHandler.onResponseData).
    inReadCallback(deliver, this, n);
    return true;
  }

  /** [0, length) of `bytes`, valid only during this call. */
  onData(bytes: Buffer, length: number): void {
    const r = this.req;
    if (r === null) {
      // Bytes from an upstream with no request outstanding: it cannot be trusted.
      this.destroy();
      return;
    }
    r.answered = true;
    let extra: number;
    try {
      extra = r.parser.feed(bytes, length);
    } catch (err) {
      if (r.done) return;
      const e =
        err instanceof FramingError ? upstreamError(UpstreamCodes.protocol, err.message) : (err as Error);
      this.failAndClose(e);
      return;
    }
    if (r.done || !r.parser.complete) return;
    this.req = null;
    r.conn = null;
    const reusable = extra === 0 && r.bodySent && r.head!.keepAlive && !this.pool.closing;
    if (reusable) {
      this.reused = true;
      // Past the upstream's own Keep-Alive timeout (less a margin) it may close the connection any moment.
      const ms = r.head!.keepAliveMs;
      if (ms >= 0) this.expiresAt = readClock() + ms - KEEP_ALIVE_MARGIN_MS;
      if (r.isPaused) this.socket.resume();
      this.pool.connectionFree(this);
      r.succeed();
    } else {
      this.destroy();
      r.succeed();
    }
  }

  onEnd(): void {
    const r = this.req;
    if (r !== null && !r.done && r.parser.eof()) {
      this.req = null;
      r.conn = null;
      this.destroy();
      r.succeed();
      return;
    }
    this.failAndClose(upstreamError(UpstreamCodes.closed, 'upstream closed the connection'));
  }

  onError(err: Error): void {
    this.failAndClose(err);
  }

  /** The socket is gone: the request on it (if any) fails, or is re-sent when that is safe. */
  failAndClose(err: Error): void {
    const r = this.req;
    this.req = null;
    this.destroy();
    if (r === null || r.done) return;
    r.conn = null;
    if (this.reused && !r.answered && !r.resentOnce && !isStream(r.opts.body)) {
      r.resentOnce = true;
      this.pool.requeueFirst(r);
      return;
    }
    r.fail(err);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.socket.destroy();
    this.pool.connectionGone(this);
  }
}

const kConn = Symbol('sdep.upstream.connection');

interface SocketWithConn extends Socket {
  [kConn]: Connection;
}

function onSocketConnect(this: SocketWithConn): void {
  this[kConn].onConnect();
}
function onSocketEnd(this: SocketWithConn): void {
  this[kConn].onEnd();
}
function onSocketError(this: SocketWithConn, err: Error): void {
  this[kConn].onError(err);
}
function onSocketClose(this: SocketWithConn): void {
  this[kConn].failAndClose(upstreamError(UpstreamCodes.closed, 'upstream connection closed'));
}
function onConnectTimeout(c: Connection): void {
  c.connectTimedOut();
}

function isStream(body: Buffer | Readable | null): boolean {
  return body !== null && !Buffer.isBuffer(body);
}

function deliver(conn: Connection, length: number): void {
  conn.onData(READ_BUFFER, length);
}

/** requestHead's `bodyLength` for this body: its length, or how a stream is framed (-1 chunked, -2 its content-length). */
function bodyLength(body: Buffer | Readable | null, headers: IncomingHttpHeaders): number | null {
  if (body === null) return null;
  if (Buffer.isBuffer(body)) return body.length;
  return headers['content-length'] === undefined ? -1 : -2;
}

/** A streamed request body: chunked when its length is unknown, with backpressure both ways. */
function streamBody(conn: Connection, r: UpstreamRequest, body: Readable, chunked: boolean): void {
  const socket = conn.socket;
  const onDrain = () => body.resume();
  const cleanup = () => {
    body.removeListener('data', onData);
    body.removeListener('end', onEnd);
    body.removeListener('error', onError);
    socket.removeListener('drain', onDrain);
  };
  const onData = (chunk: Buffer) => {
    if (r.done || conn.destroyed) {
      cleanup();
      return;
    }
    if (chunk.length === 0) return;
    let ok: boolean;
    if (chunked) {
      socket.cork();
      ok = writeChunk(socket, chunk);
      socket.uncork();
    } else {
      ok = socket.write(chunk);
    }
    if (!ok) body.pause();
  };
  const onEnd = () => {
    cleanup();
    if (r.done || conn.destroyed) return;
    if (chunked) socket.write(LAST_CHUNK, 'latin1');
    r.bodySent = true;
  };
  const onError = (err: Error) => {
    cleanup();
    r.abort(err);
  };
  body.on('data', onData);
  body.once('end', onEnd);
  body.once('error', onError);
  socket.on('drain', onDrain);
}

export class UpstreamPool implements UpstreamDispatcher {
  readonly writesFields = true;
  readonly authority: string;
  private readonly o: UpstreamPoolOptions;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private queue: UpstreamRequest[] = [];
  private busy = 0;
  closing = false;
  private closeWaiter: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(o: UpstreamPoolOptions) {
    this.o = o;
    this.authority = o.authority;
  }

  dispatch(opts: DispatchOptions, handler: DispatchHandler): boolean {
    const r = new UpstreamRequest(this, opts, handler);
    if (this.closing) {
      r.fail(upstreamError(UpstreamCodes.destroyed, 'upstream pool is closed'));
      return false;
    }
    handler.onRequestStart?.(r, {});
    if (r.done) return true;
    this.start(r);
    return true;
  }

  private start(r: UpstreamRequest): void {
    let conn = this.idle.pop();
    while (conn?.expired(readClock())) {
      conn.destroy();
      conn = this.idle.pop();
    }
    if (conn !== undefined) {
      this.busy++;
      conn.assign(r);
      return;
    }
    if (this.all.size < this.o.connections) {
      conn = new Connection(this, this.o);
      this.all.add(conn);
      this.busy++;
      conn.assign(r);
      return;
    }
    this.queue.push(r);
  }

  requeueFirst(r: UpstreamRequest): void {
    if (this.closing) {
      r.fail(upstreamError(UpstreamCodes.destroyed, 'upstream pool is closed'));
      return;
    }
    this.queue.unshift(r);
    this.drainQueue();
  }

  dequeue(r: UpstreamRequest): void {
    if (r.conn !== null) return;
    const i = this.queue.indexOf(r);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** A connection finished its request (or connected with none): give it the next one, or park it. */
  connectionFree(conn: Connection): void {
    this.busy--;
    const next = this.queue.shift();
    if (next !== undefined) {
      this.busy++;
      conn.assign(next);
      return;
    }
    if (this.closing) {
      conn.destroy();
      this.checkClosed();
      return;
    }
    conn.idleSince = readClock();
    this.idle.push(conn);
    this.armSweeper();
  }

  connectionGone(conn: Connection): void {
    if (!this.all.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    else this.busy--;
    this.drainQueue();
    this.checkClosed();
  }

  private drainQueue(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.all.size < this.o.connections)) {
      this.start(this.queue.shift()!);
    }
  }

  /** Closes connections idle longer than keepAliveMs; runs only while some are idle. */
  private armSweeper(): void {
    if (this.sweeper !== undefined) return;
    const every = Math.max(1000, Math.floor(this.o.keepAliveMs / 2));
    this.sweeper = setInterval(() => {
      const now = readClock();
      for (const c of [...this.idle]) {
        if (now - c.idleSince >= this.o.keepAliveMs || c.expired(now)) c.destroy();
      }
      if (this.idle.length === 0 && this.sweeper !== undefined) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, every);
    this.sweeper.unref();
  }

  private checkClosed(): void {
    if (!this.closing || this.busy > 0 || this.queue.length > 0) return;
    for (const c of [...this.idle]) c.destroy();
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const w = this.closeWaiter;
    this.closeWaiter = undefined;
    w?.();
  }

  close(): Promise<void> {
    this.closing = true;
    return new Promise<void>((resolve) => {
      this.closeWaiter = resolve;
      this.checkClosed();
    });
  }

  destroy(): Promise<void> {
    this.closing = true;
    const err = upstreamError(UpstreamCodes.destroyed, 'upstream pool destroyed');
    const queued = this.queue;
    this.queue = [];
    for (const r of queued) r.fail(err);
    for (const c of [...this.all]) {
      const r = c.req;
      c.req = null;
      c.destroy();
      r?.fail(err);
    }
    this.checkClosed();
    return Promise.resolve();
  }

  /** Connections open (for tests and diagnostics). */
  get size(): number {
    return this.all.size;
  }
}
