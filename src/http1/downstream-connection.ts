/**
 * One client connection on the fast HTTP/1.1 path: it reads request heads
 * (request-parser.ts), hands each request to the router, and keeps the
 * connection alive between them. Requests are answered one at a time, in
 * order (pipelined bytes wait in the buffer). A connection that starts with
 * the HTTP/2 preface goes to the h2c server; one whose request the strict
 * parser declines goes, with every byte it sent, to node's http server for
 * the rest of its life.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { H1Request } from './downstream-request.js';
import { H1Response, type ResponseOwner } from './downstream-response.js';
import { readClock } from './read-clock.js';
import { FAST_MAX_HEAD_BYTES, INCOMPLETE, parseRequestHead, type RequestHead } from './request-parser.js';
import { copyOut, copyRange, readInto, readIntoReadable } from './socket-reads.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` starts every prior-knowledge HTTP/2 connection. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/**
 * How much of a read is parsed where it lies in the shared read buffer: a
 * head longer than this (rare) is copied out and found as a split one is.
 */
const FIRST_LOOK = 4096;
/** Pipelined bytes buffered while a response is pending, before the socket is paused. */
const MAX_PIPELINED = 64 * 1024;

const REQUEST_TIMEOUT_REPLY =
  'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

export enum Phase {
  /** Waiting for (the rest of) a request head. */
  Head,
  /** Head read; body bytes still to come. */
  Body,
  /** Request read; the response is being produced. */
  Respond,
  /** Between requests. */
  Idle,
}

export interface ConnectionHost {
  handler(req: H1Request, res: H1Response): void;
  /** Gives a connection (with its bytes unshifted) to node's HTTP/1.1 server. */
  toNodeHttp(socket: Socket): void;
  /** Gives a connection (with its bytes unshifted) to the h2c server. */
  toH2c(socket: Socket): void;
  removed(conn: H1Connection): void;
  /** Requests carry their header lines to pass on (RequestHead.fields). */
  readonly keepFields: boolean;
}

const kConn = Symbol('sdep.h1.connection');
interface Tagged extends Socket {
  [kConn]?: H1Connection;
}

export class H1Connection implements ResponseOwner {
  readonly socket: Socket;
  private readonly host: ConnectionHost;
  private buf: Buffer | null = null;
  private req: H1Request | null = null;
  private res: H1Response | null = null;
  phase = Phase.Head;
  /** When the current phase began (readClock()). */
  since: number;
  /** When the current request's first byte came. */
  requestStart: number;
  private first = true;
  private closeAfter = false;
  /** Asked to stop (server shutting down): close once idle. */
  private draining = false;
  private gone = false;
  private clientEnded = false;
  /** Reads come through readInto (socket-reads.ts), not 'data' events. */
  private readonly sharedReads: boolean;

  /** The client's address, read once: each read of socket.remoteAddress is a getter and a getpeername lookup. */
  readonly remoteAddress: string | undefined;

  constructor(socket: Socket, host: ConnectionHost) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.host = host;
    this.since = readClock();
    this.requestStart = this.since;
    (socket as Tagged)[kConn] = this;
    this.sharedReads = readInto(socket, (bytes, length) => this.read(bytes, length));
    if (!this.sharedReads) socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('drain', onDrain);
  }

  // --- socket events ---

  /**
   * A read in the shared buffer (socket-reads.ts), whose bytes are valid
   * only during this call. The usual one starts a request with its whole
   * head: that is parsed where it lies, and only the bytes after the head
   * (the body) are copied out. Anything else is copied out whole and goes
   * through data().
   */
  read(bytes: Buffer, length: number): void {
    if (this.first || this.buf !== null || this.req !== null || this.res !== null || this.gone) {
      this.data(copyOut(bytes, length));
      return;
    }
    if (this.phase === Phase.Idle) this.beginHead();
    const head = parseRequestHead(bytes, Math.min(length, FIRST_LOOK), this.host.keepFields);
    if (head === INCOMPLETE) {
      // Split across reads, or longer than the first look: found as data() finds one.
      this.buf = copyOut(bytes, length);
      this.next();
    } else if (head === undefined) {
      this.detach(copyOut(bytes, length), 'http');
    } else {
      const start = head.bodyStart;
      this.begin(head, start === length ? undefined : copyRange(bytes, start, length));
    }
  }

  data(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      if (startsLikePreface(chunk)) {
        this.detach(chunk, 'h2c');
        return;
      }
    }
    const req = this.req;
    if (req !== null && req.remaining > 0) {
      const rest = req.feed(chunk);
      if (req.remaining === 0 && this.phase === Phase.Body) this.enter(Phase.Respond);
      if (rest === undefined) return;
      chunk = rest;
    }
    this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.res !== null) {
      if (this.buf.length > MAX_PIPELINED) this.socket.pause();
      return;
    }
    if (this.phase === Phase.Idle) this.beginHead();
    this.next();
  }

  /** The client half-closed: a request it has sent whole is still answered; one cut short never will be. */
  clientEnd(): void {
    this.clientEnded = true;
    if (this.res === null) this.socket.end();
    else if (this.req !== null && this.req.remaining > 0) this.socket.destroy();
  }

  closed(): void {
    if (this.gone) return;
    this.gone = true;
    const req = this.req;
    const res = this.res;
    this.req = null;
    this.res = null;
    res?.connectionClosed();
    if (req !== null && !req.readableEnded) req.destroy();
    this.host.removed(this);
  }

  drain(): void {
    this.res?.drained();
    if (this.res === null && this.socket.isPaused()) this.socket.resume();
  }

  // --- requests ---

  /** Parses and starts the next buffered request, if it is complete and nothing is in flight. */
  private next(): void {
    const buf = this.buf;
    if (buf === null || this.res !== null || this.gone) return;
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0 || end > FAST_MAX_HEAD_BYTES) {
      if (end > 0 || buf.length > FAST_MAX_HEAD_BYTES) this.detach(buf, 'http');
      return;
    }
    const head = parseRequestHead(buf, end + 4, this.host.keepFields);
    // (Never INCOMPLETE: the blank line is there.)
    if (head === undefined || head === INCOMPLETE) {
      this.detach(buf, 'http');
      return;
    }
    this.begin(head, buf.length === head.bodyStart ? undefined : buf.subarray(head.bodyStart));
  }

  /** Starts the request whose head was parsed; `rest`, the bytes after it, are the connection's own. */
  private begin(head: RequestHead, rest: Buffer | undefined): void {
    this.buf = null;
    const req = new H1Request(this.socket, this.remoteAddress, head, rest);
    const res = new H1Response(this, head.method);
    this.req = req;
    this.res = res;
    if (head.close) this.closeAfter = true;
    if (req.leftover !== undefined) this.buf = req.leftover;
    this.enter(req.remaining > 0 ? Phase.Body : Phase.Respond);
    if (this.socket.isPaused() && req.remaining > 0 && !req.isPaused()) this.socket.resume();
    this.host.handler(req, res);
  }

  closesAfterResponse(): boolean {
    return this.closeAfter || this.draining || this.clientEnded;
  }

  responseEnded(res: H1Response): void {
    if (res !== this.res) return;
    const unread = this.req!.remaining > 0;
    this.res = null;
    this.req = null;
    if (this.closesAfterResponse() || unread || res.closeAfter) {
      // Unread body bytes (or a close asked for): the connection cannot carry another request.
      this.socket.end();
      return;
    }
    if (this.buf === null) {
      this.enter(Phase.Idle);
      return;
    }
    this.beginHead();
    if (this.socket.isPaused()) this.socket.resume();
    // Pipelined: the next request starts on a fresh stack.
    queueMicrotask(() => this.next());
  }

  destroyConnection(): void {
    this.socket.destroy();
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    this.since = readClock();
  }

  /** A request's first bytes: the header and request clocks start. */
  private beginHead(): void {
    this.enter(Phase.Head);
    this.requestStart = this.since;
  }

  // --- limits and shutdown ---

  /** Called by the server's sweep: cuts connections over their time bounds. */
  check(now: number, headersTimeoutMs: number, requestTimeoutMs: number, keepAliveMs: number): void {
    if (this.gone) return;
    switch (this.phase) {
      case Phase.Head:
        if (now - this.since >= headersTimeoutMs) this.timeOut();
        break;
      case Phase.Body:
        if (requestTimeoutMs > 0 && now - this.requestStart >= requestTimeoutMs) this.timeOut();
        break;
      case Phase.Idle:
        if (now - this.since >= keepAliveMs) this.socket.destroy();
        break;
      default:
        break;
    }
  }

  /** Node's answer to a request that did not arrive in time: 408 and close, unless a response has begun. */
  private timeOut(): void {
    const res = this.res;
    if (res === null || !res.headersSent) this.socket.end(REQUEST_TIMEOUT_REPLY, 'latin1');
    this.socket.destroySoon();
    // The router sees the response closed.
    this.closed();
  }

  /** Server shutdown: idle connections close now, busy ones after their response. */
  stop(): void {
    this.draining = true;
    if (this.res === null) this.socket.destroy();
  }

  private detach(bytes: Buffer, to: 'http' | 'h2c'): void {
    const socket = this.socket;
    if (this.sharedReads) readIntoReadable(socket);
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.removeListener('error', onError);
    socket.removeListener('close', onClose);
    socket.removeListener('drain', onDrain);
    (socket as Tagged)[kConn] = undefined;
    this.gone = true;
    this.buf = null;
    this.host.removed(this);
    if (to === 'h2c') handOver(socket, bytes, this.host.toH2c, false);
    else handOver(socket, bytes, this.host.toNodeHttp, true);
  }
}

/**
 * Gives `socket` to another server with `bytes` (what was read so far) put
 * back in front of what it reads next. An http2 session takes the socket's
 * handle and reads what is buffered itself; node's http server needs the
 * socket flowing (`flowing`).
 */
export function handOver(
  socket: Socket,
  bytes: Buffer,
  to: (socket: Socket) => void,
  flowing: boolean,
): void {
  socket.pause();
  socket.unshift(bytes);
  to(socket);
  if (flowing) socket.resume();
}

export function startsLikePreface(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, PREFACE.length);
  return n >= 3 && chunk.subarray(0, n).equals(PREFACE.subarray(0, n));
}

function onData(this: Tagged, chunk: Buffer): void {
  this[kConn]?.data(chunk);
}
function onEnd(this: Tagged): void {
  this[kConn]?.clientEnd();
}
function onError(): void {
  // 'close' follows; the connection is cleaned up there.
}
function onClose(this: Tagged): void {
  this[kConn]?.closed();
}
function onDrain(this: Tagged): void {
  this[kConn]?.drain();
}
