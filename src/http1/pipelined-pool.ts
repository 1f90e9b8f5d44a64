/**
 * HTTP/1.1 connections to one upstream endpoint that pipeline (RFC 9112
 * §9.3.2), for shadow copies nobody waits on: buffered bodies, no retries,
 * answers read for their framing (or handed to a comparison). Copies
 * dispatched in one turn of the event loop go out together: one write on
 * one connection, and their answers come back in the same reads. Under load
 * a turn carries many copies (6.5 on average at 16 client connections in
 * bench/gateway.ts), so each costs a share of one write and one read
 * instead of a whole one.
 *
 * A copy waits behind the ones before it on its connection, so how many
 * ride one connection follows the upstream's speed: `maxDepth` caps it,
 * and the upstream's time per answer keeps each connection's queue under
 * QUEUE_BUDGET_MS. That time is the gap between an answer and the one
 * before it on the same connection, taken only for copies that were
 * pipelined behind another (an EWMA): a round trip alone would count our
 * own event loop's delay and other traffic's. A slow model (tens of
 * milliseconds an answer) soon gets one copy per connection, as the plain
 * pool gives it, and is probed with two again every PROBE_MS.
 *
 * A copy is never sent twice once the upstream may have acted on it:
 * - an answer with `Connection: close` (or HTTP/1.0 without keep-alive):
 *   the upstream must not act on what followed it (RFC 9112 §9.6), so those
 *   go again on another connection, and this pool stops pipelining;
 * - a connection that carried requests before and closes before any byte
 *   of the next answer (it was closed while idle): its copies go once more;
 * - any other close, reset or malformed answer: the copies on it fail.
 * abort() (the mirror's timeout) takes a copy out of the queue, or fails it
 * at once and drops its answer when that comes; a connection whose copies
 * have all been given up is closed.
 */
import { Buffer } from 'node:buffer';
import net, { type Socket } from 'node:net';
import {
  type DispatchController,
  type DispatchHandler,
  type DispatchOptions,
  UpstreamCodes,
  type UpstreamDispatcher,
  upstreamError,
} from './dispatch.js';
import { writeLatin1 } from './header-lines.js';
import { inReadCallback, readClock } from './read-clock.js';
import { requestHead, requestHeadFromLines } from './request-writer.js';
import { FramingError, type ResponseHead, ResponseParser, type ResponseSink } from './response-parser.js';
import { writeDirect } from './socket-writes.js';
import type { UpstreamPoolOptions } from './upstream-pool.js';

export interface PipelinedPoolOptions extends UpstreamPoolOptions {
  /** Most requests on one connection at once (1: no pipelining). */
  maxDepth: number;
  /** How long a copy may expect to wait behind others on its connection (default QUEUE_BUDGET_MS). */
  queueBudgetMs?: number;
}

/** How long a copy may expect to wait behind the others on its connection. */
export const QUEUE_BUDGET_MS = 2;
/** Weight of the newest answer time in the EWMA. */
const EWMA_WEIGHT = 0.2;
/** The depth before the upstream's speed is known. */
const FIRST_DEPTH = 4;
/** At depth 1, how often two copies share a connection to measure the upstream again. */
const PROBE_MS = 1000;
/** Margin under the upstream's `Keep-Alive: timeout=N`, as the plain pool keeps. */
const KEEP_ALIVE_MARGIN_MS = 1000;
const EMPTY_TRAILERS = Object.freeze({});

/** Shared by this pool's sockets: reads are parsed synchronously where they lie. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class PipelinedRequest implements DispatchController, ResponseSink {
  readonly pool: PipelinedPool;
  readonly handler: DispatchHandler;
  readonly discard: boolean;
  readonly headRequest: boolean;
  /** The request's head and body, as they go on the wire. */
  readonly head: string;
  readonly body: Buffer | null;
  parser: ResponseParser;
  conn: PipelinedConnection | null = null;
  /** The handler has had its end (or error): what still comes for it is dropped. */
  done = false;
  sentTwice = false;
  writtenAt = 0;
  /** Sent behind another copy on its connection: its answer's gap measures the upstream. */
  behind = false;
  keepAlive = true;
  keepAliveMs = -1;

  constructor(pool: PipelinedPool, opts: DispatchOptions, handler: DispatchHandler, head: string) {
    this.pool = pool;
    this.handler = handler;
    this.discard = opts.discardResponse === true;
    this.headRequest = opts.method === 'HEAD';
    this.head = head;
    this.body = opts.body as Buffer | null;
    this.parser = new ResponseParser(this, this.headRequest, !this.discard);
  }

  /** A fresh parser for sending it again (nothing of an answer came for it). */
  again(): void {
    this.sentTwice = true;
    this.conn = null;
    this.parser = new ResponseParser(this, this.headRequest, !this.discard);
  }

  abort(reason: Error): void {
    if (this.done) return;
    this.fail(reason);
    this.pool.gaveUp(this);
  }

  // Copies are never held back: their answers are read as they come.
  pause(): void {}
  resume(): void {}

  onHead(head: ResponseHead): void {
    this.keepAlive = head.keepAlive;
    this.keepAliveMs = head.keepAliveMs;
    if (!this.done)
      this.handler.onResponseStart?.(this, head.status, head.headers, head.statusMessage, head.fields);
  }

  onData(chunk: Buffer): void {
    if (!this.done) this.handler.onResponseData?.(this, chunk);
  }

  onEnd(): void {}

  succeed(): void {
    if (this.done) return;
    this.done = true;
    this.handler.onResponseEnd?.(this, EMPTY_TRAILERS);
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.handler.onResponseError?.(this, err);
  }
}

class PipelinedConnection {
  readonly socket: Socket;
  readonly pool: PipelinedPool;
  /** Sent (or, while connecting, to be sent) and not yet answered, oldest first. */
  queue: PipelinedRequest[] = [];
  connected = false;
  destroyed = false;
  /** Has had an answer: a close before the next one's first byte means it was closed while idle. */
  reused = false;
  /** Bytes came since the connection last went from idle to busy. */
  answeredSinceIdle = false;
  /** readClock() when the last answer ended (the next one's service starts no earlier). */
  lastDoneAt = 0;
  idleSince = 0;
  expiresAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(pool: PipelinedPool, o: PipelinedPoolOptions) {
    this.pool = pool;
    const socket = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(n) },
    });
    this.socket = socket;
    if (o.connectTimeoutMs > 0) this.connectTimer = setTimeout(onConnectTimeout, o.connectTimeoutMs, this);
    socket.on('connect', () => this.onConnect());
    socket.on('end', () => this.onEnd());
    socket.on('error', (err) => this.gone(err));
    socket.on('close', () => this.gone(upstreamError(UpstreamCodes.closed, 'upstream connection closed')));
  }

  expired(now: number): boolean {
    return this.expiresAt !== 0 && now >= this.expiresAt;
  }

  /** Takes `batch` (one write for all of it once connected). */
  send(batch: PipelinedRequest[]): void {
    if (this.queue.length === 0) this.answeredSinceIdle = false;
    for (const r of batch) {
      r.conn = this;
      r.behind = this.queue.length > 0;
      this.queue.push(r);
    }
    if (this.connected) this.write(batch);
  }

  private write(batch: PipelinedRequest[]): void {
    const now = readClock();
    for (const r of batch) r.writtenAt = now;
    // The whole batch in one buffer, written once.
    let total = 0;
    for (const r of batch) total += r.head.length + (r.body === null ? 0 : r.body.length);
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (const r of batch) {
      at += writeLatin1(out, r.head, at);
      if (r.body !== null) {
        out.set(r.body, at);
        at += r.body.length;
      }
    }
    writeDirect(this.socket, out);
  }

  onConnect(): void {
    this.connected = true;
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    // Copies given up while it connected are not sent.
    this.queue = this.queue.filter((r) => !r.done);
    if (this.queue.length > 0) this.write(this.queue);
    else this.pool.connectionFree(this);
  }

  connectTimedOut(): void {
    this.connectTimer = undefined;
    this.gone(upstreamError(UpstreamCodes.connectTimeout, 'upstream connect timeout'));
  }

  onRead(n: number): boolean {
    inReadCallback(deliver, this, n);
    return true;
  }

  /** [0, length) of `bytes`: one or more answers, or part of one. */
  onData(bytes: Buffer, length: number): void {
    this.answeredSinceIdle = true;
    let from = 0;
    while (from < length) {
      const r = this.queue[0];
      if (r === undefined) {
        // Bytes with no request outstanding: the upstream cannot be trusted.
        this.gone(upstreamError(UpstreamCodes.protocol, 'upstream sent bytes with no request outstanding'));
        return;
      }
      let extra: number;
      try {
        extra = r.parser.feed(from === 0 ? bytes : bytes.subarray(from, length), length - from);
      } catch (err) {
        const e =
          err instanceof FramingError ? upstreamError(UpstreamCodes.protocol, err.message) : (err as Error);
        this.gone(e);
        return;
      }
      if (this.destroyed || !r.parser.complete) return;
      from = length - extra;
      if (!this.answered(r)) return;
    }
    if (this.queue.length === 0) this.pool.connectionFree(this);
    else this.pool.roomMade();
  }

  /** `r`, at the front, is answered whole; false when the connection ends with it. */
  private answered(r: PipelinedRequest): boolean {
    this.queue.shift();
    r.conn = null;
    const now = readClock();
    if (r.behind) this.pool.observe(now - Math.max(r.writtenAt, this.lastDoneAt), now);
    this.lastDoneAt = now;
    this.reused = true;
    if (r.keepAliveMs >= 0) this.expiresAt = now + r.keepAliveMs - KEEP_ALIVE_MARGIN_MS;
    r.succeed();
    if (r.keepAlive) return true;
    // The upstream closes after this answer and acts on nothing after it: those go again.
    const rest = this.queue;
    this.queue = [];
    if (rest.length > 0) this.pool.stopPipelining();
    this.close();
    this.pool.sendAgain(rest, false);
    return false;
  }

  onEnd(): void {
    const r = this.queue[0];
    // An answer framed by the connection's end is whole now.
    if (r?.parser.eof()) {
      r.keepAlive = false;
      this.answered(r);
      return;
    }
    this.gone(upstreamError(UpstreamCodes.closed, 'upstream closed the connection'));
  }

  /** The socket is gone: its copies fail, or go again when the upstream cannot have acted on them. */
  gone(err: Error): void {
    if (this.destroyed) return;
    const rest = this.queue;
    this.queue = [];
    this.close();
    if (this.reused && !this.answeredSinceIdle) this.pool.sendAgain(rest, true);
    else for (const r of rest) r.fail(err);
  }

  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.socket.destroy();
    this.pool.connectionGone(this);
  }

  /** Every copy on it was given up: nothing is left to read for. */
  get abandoned(): boolean {
    for (const r of this.queue) if (!r.done) return false;
    return true;
  }
}

function deliver(conn: PipelinedConnection, length: number): void {
  conn.onData(READ_BUFFER, length);
}

function onConnectTimeout(c: PipelinedConnection): void {
  c.connectTimedOut();
}

function flushPool(pool: PipelinedPool): void {
  pool.flush();
}

/** The request's head as it goes on the wire (its body follows it as it is). */
function wireHead(opts: DispatchOptions, authority: string): string {
  const { method, path, body, fields } = opts;
  if (body !== null && !Buffer.isBuffer(body)) throw new TypeError('pipelined requests take buffered bodies');
  let headers = opts.headers;
  if (headers.host === undefined && fields === undefined) headers = { host: authority, ...headers };
  const length = body === null ? null : body.length;
  return fields === undefined
    ? requestHead(method, path, headers, length)
    : requestHeadFromLines(method, path, fields, headers, length);
}

export class PipelinedPool implements UpstreamDispatcher {
  readonly writesFields = true;
  private closing = false;
  private destroyed = false;
  private readonly o: PipelinedPoolOptions;
  private readonly all = new Set<PipelinedConnection>();
  private readonly idle: PipelinedConnection[] = [];
  /** Dispatched, not yet on a connection. */
  private waiting: PipelinedRequest[] = [];
  private scheduled = false;
  private maxDepth: number;
  /** EWMA of the gap between pipelined answers (ms); -1 before the first. */
  private answerMs = -1;
  private sampledAt = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private closeWaiter: (() => void) | undefined;

  constructor(o: PipelinedPoolOptions) {
    this.o = o;
    this.maxDepth = Math.max(1, Math.floor(o.maxDepth));
  }

  dispatch(opts: DispatchOptions, handler: DispatchHandler): boolean {
    if (this.closing) {
      handler.onResponseError?.(undefined, upstreamError(UpstreamCodes.destroyed, 'upstream pool is closed'));
      return false;
    }
    let head: string;
    try {
      head = wireHead(opts, this.o.authority);
    } catch (err) {
      handler.onResponseError?.(undefined, err as Error);
      return true;
    }
    const r = new PipelinedRequest(this, opts, handler, head);
    handler.onRequestStart?.(r, {});
    if (r.done) return true;
    this.waiting.push(r);
    this.schedule();
    return true;
  }

  /** How many copies one connection takes now: what the upstream's speed allows, at most maxDepth. */
  depth(now = readClock()): number {
    if (this.maxDepth === 1) return 1;
    if (this.answerMs < 0) return Math.min(this.maxDepth, FIRST_DEPTH);
    const budget = this.o.queueBudgetMs ?? QUEUE_BUDGET_MS;
    const fits = Math.floor(budget / Math.max(this.answerMs, 0.01));
    if (fits <= 1) {
      if (now - this.sampledAt < PROBE_MS) return 1;
      // One batch of two in each PROBE_MS, so a model that got faster is seen to.
      this.sampledAt = now;
      return 2;
    }
    return Math.min(this.maxDepth, fits);
  }

  /** The upstream's time for one answer, seen behind another on a connection. */
  observe(ms: number, now: number): void {
    this.answerMs = this.answerMs < 0 ? ms : this.answerMs + EWMA_WEIGHT * (ms - this.answerMs);
    this.sampledAt = now;
  }

  stopPipelining(): void {
    this.maxDepth = 1;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(flushPool, this);
  }

  /** Puts the waiting copies on connections: one batch (and write) per connection. */
  flush(): void {
    this.scheduled = false;
    const now = readClock();
    const depth = this.depth(now);
    while (this.waiting.length > 0) {
      const conn = this.pick(depth, now);
      if (conn === undefined) return;
      const room = depth - conn.queue.length;
      conn.send(this.waiting.splice(0, room));
    }
  }

  /** An idle connection, a new one, or the busy one with the most room; undefined when all are full. */
  private pick(depth: number, now: number): PipelinedConnection | undefined {
    let conn = this.idle.pop();
    while (conn?.expired(now)) {
      conn.close();
      conn = this.idle.pop();
    }
    if (conn !== undefined) return conn;
    if (this.all.size < this.o.connections) {
      conn = new PipelinedConnection(this, this.o);
      this.all.add(conn);
      return conn;
    }
    let best: PipelinedConnection | undefined;
    for (const c of this.all) {
      if (c.destroyed || c.expired(now) || c.queue.length >= depth) continue;
      if (best === undefined || c.queue.length < best.queue.length) best = c;
    }
    return best;
  }

  /** Copies the upstream did not act on, in their order, ahead of the waiting ones; `once`: only those not sent twice. */
  sendAgain(rs: PipelinedRequest[], once: boolean): void {
    const again: PipelinedRequest[] = [];
    for (const r of rs) {
      if (r.done) continue;
      if (once && r.sentTwice) {
        r.fail(upstreamError(UpstreamCodes.closed, 'upstream closed the connection'));
        continue;
      }
      r.again();
      again.push(r);
    }
    if (again.length === 0) return;
    if (this.destroyed) {
      for (const r of again) r.fail(upstreamError(UpstreamCodes.destroyed, 'upstream pool destroyed'));
      return;
    }
    this.waiting = again.concat(this.waiting);
    this.schedule();
  }

  /** A copy was given up (aborted): out of the queue, or its connection closed once nothing on it is wanted. */
  gaveUp(r: PipelinedRequest): void {
    const conn = r.conn;
    if (conn === null) {
      const i = this.waiting.indexOf(r);
      if (i >= 0) this.waiting.splice(i, 1);
      this.checkClosed();
      return;
    }
    if (conn.abandoned) {
      conn.queue = [];
      conn.close();
    }
  }

  /** An answer freed a place on a busy connection. */
  roomMade(): void {
    this.schedule();
  }

  connectionFree(conn: PipelinedConnection): void {
    if (this.closing) {
      conn.close();
      return;
    }
    conn.idleSince = readClock();
    this.idle.push(conn);
    this.armSweeper();
    this.schedule();
  }

  connectionGone(conn: PipelinedConnection): void {
    if (!this.all.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    this.schedule();
    this.checkClosed();
  }

  private armSweeper(): void {
    if (this.sweeper !== undefined) return;
    const every = Math.max(1000, Math.floor(this.o.keepAliveMs / 2));
    this.sweeper = setInterval(() => {
      const now = readClock();
      for (const c of [...this.idle]) {
        if (now - c.idleSince >= this.o.keepAliveMs || c.expired(now)) c.close();
      }
      if (this.idle.length === 0 && this.sweeper !== undefined) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, every);
    this.sweeper.unref();
  }

  private checkClosed(): void {
    if (!this.closing || this.waiting.length > 0) return;
    for (const c of this.all) if (c.queue.length > 0) return;
    for (const c of [...this.all]) c.close();
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
    this.destroyed = true;
    const err = upstreamError(UpstreamCodes.destroyed, 'upstream pool destroyed');
    const waiting = this.waiting;
    this.waiting = [];
    for (const r of waiting) r.fail(err);
    for (const c of [...this.all]) {
      const rs = c.queue;
      c.queue = [];
      c.close();
      for (const r of rs) r.fail(err);
    }
    this.checkClosed();
    return Promise.resolve();
  }

  /** Connections open (for tests and diagnostics). */
  get size(): number {
    return this.all.size;
  }
}
