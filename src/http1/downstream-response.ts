/**
 * The response side of the fast HTTP/1.1 path, with the members of
 * DownstreamResponse. The head goes out with the first body bytes in one
 * write; the body goes as is when content-length is known, chunked
 * otherwise. HEAD, 204 and 304 carry no body whatever is written.
 */
import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import { type IncomingHttpHeaders, type OutgoingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { LAST_CHUNK, writeChunk } from './chunked.js';
import { appendHeaderLines, withHead } from './header-lines.js';
import { writeDirect } from './socket-writes.js';

/** What the response asks of its connection. */
export interface ResponseOwner {
  readonly socket: Socket;
  /** Whether the connection closes after this response (the head then says so). */
  closesAfterResponse(): boolean;
  responseEnded(res: H1Response): void;
  destroyConnection(): void;
}

function ownFraming(name: string): boolean {
  return (
    name === 'content-length' ||
    name === 'transfer-encoding' ||
    name === 'connection' ||
    name === 'keep-alive' ||
    name === 'date'
  );
}

/** Bodies up to this size are copied behind the head and written with it. */
const ONE_WRITE_MAX = 16 * 1024;

let dateCache = '';
let dateCachedAt = 0;

/** RFC 9110 Date, recomputed at most once a second. */
function httpDate(): string {
  const now = Date.now();
  if (now - dateCachedAt >= 1000 || dateCache === '') {
    dateCachedAt = now - (now % 1000);
    dateCache = new Date(now).toUTCString();
  }
  return dateCache;
}

/**
 * The framing below reads lowercase names (`content-length`); a handler that
 * wrote `Content-Length` gets a lowercased copy, so it cannot go out twice
 * framed. The gateway and the unit write lowercase already: one scan, no copy.
 */
function lowercaseNames(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  for (const name in headers) {
    if (hasUpper(name)) {
      const out: OutgoingHttpHeaders = {};
      for (const n in headers) out[n.toLowerCase()] = headers[n];
      return out;
    }
  }
  return headers;
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** Told once that a response closed (finished or cut short). */
export interface CloseWatcher {
  downstreamClosed(): void;
}

export class H1Response extends EventEmitter {
  /** write() copies what it keeps: its caller may reuse the chunk once it returns (DownstreamResponse). */
  readonly copiesWrites = true;
  headersSent = false;
  writableEnded = false;
  destroyed = false;
  statusCode = 200;
  private readonly owner: ResponseOwner;
  private readonly headRequest: boolean;
  private headers: OutgoingHttpHeaders | undefined;
  private headWritten = false;
  private chunked = false;
  private noBody = false;
  private trailers: OutgoingHttpHeaders | undefined;
  /** Set by writeHeadForwarded: the header lines, written as they are. */
  private forwarded: string | undefined;
  /** The socket refused a write: 'drain' is owed to whoever waits. */
  waitingDrain = false;
  /** The handler asked for the connection to close after this response. */
  closeAfter = false;
  private closeWatcher: CloseWatcher | undefined;

  /** Everything is handed to the socket once end() returns (node: flushed to the OS). */
  get writableFinished(): boolean {
    return this.writableEnded;
  }

  constructor(owner: ResponseOwner, method: string) {
    super();
    this.owner = owner;
    this.headRequest = method === 'HEAD';
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    if (this.headersSent) return this;
    const h = lowercaseNames(headers ?? {});
    this.statusCode = status;
    this.headers = h;
    this.headersSent = true;
    // A handler's `connection: close` (a 413 whose body was not read) ends the connection after this response.
    if (typeof h.connection === 'string' && h.connection.toLowerCase() === 'close') this.closeAfter = true;
    // The framing is fixed here, so the writes below know from the start whether to cork.
    this.noBody = this.headRequest || status === 204 || status === 304 || status < 200;
    this.chunked = !this.noBody && h['content-length'] === undefined;
    return this;
  }

  /**
   * writeHead for a response passed on from an upstream, without writing its
   * fields again: `fields` as ResponseHead.fields gives them (checked,
   * lowercase, hop-by-hop ones gone), `added` lines of the caller's own, and
   * `headers` the same fields as an object, read for the framing and the
   * date. Returns false, and writes nothing, where writeHead would drop one
   * of the fields (content-length on a 204 or 304).
   */
  writeHeadForwarded(status: number, headers: IncomingHttpHeaders, fields: string, added: string): boolean {
    if (this.headersSent) return true;
    const length = headers['content-length'];
    if (length !== undefined && (status === 204 || status === 304)) return false;
    this.statusCode = status;
    this.headersSent = true;
    this.noBody = this.headRequest || status === 204 || status === 304 || status < 200;
    this.chunked = !this.noBody && length === undefined;
    this.forwarded = headers.date === undefined ? `${fields}${added}date: ${httpDate()}\r\n` : fields + added;
    return true;
  }

  private head(): string {
    const status = this.statusCode;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    if (this.forwarded !== undefined) {
      head += this.forwarded;
    } else {
      const headers = this.headers ?? {};
      head = appendHeaderLines(head, headers, ownFraming);
      head += `date: ${typeof headers.date === 'string' ? headers.date : httpDate()}\r\n`;
      const length = headers['content-length'];
      if (length !== undefined && status !== 204 && status !== 304) head += `content-length: ${length}\r\n`;
    }
    // Chunked only where no content-length was given (writeHead, writeHeadForwarded).
    if (this.chunked) head += 'transfer-encoding: chunked\r\n';
    if (this.closeAfter || this.owner.closesAfterResponse()) head += 'connection: close\r\n';
    return `${head}\r\n`;
  }

  write(chunk: Buffer): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(200);
    const socket = this.owner.socket;
    if (this.headWritten && (this.noBody || chunk.length === 0)) return true;
    // Corked only when more than one write follows (chunk framing, or a head too big to copy).
    const cork = this.chunked || (!this.headWritten && !this.noBody && chunk.length > ONE_WRITE_MAX);
    if (cork) socket.cork();
    const ok = this.writeFramed(socket, chunk, true);
    if (cork) socket.uncork();
    if (!ok) this.waitingDrain = true;
    return ok;
  }

  /** `borrowed`: the caller reuses `chunk` once this returns, so what is written as it is is copied first. */
  private writeFramed(socket: Socket, chunk: Buffer | undefined, borrowed: boolean): boolean {
    let ok = true;
    if (!this.headWritten) {
      this.headWritten = true;
      const head = this.head();
      if (chunk !== undefined && !this.chunked && !this.noBody && chunk.length <= ONE_WRITE_MAX) {
        // Head and a small body in one buffer: one plain write, no writev of corked chunks.
        return writeDirect(socket, withHead(head, chunk));
      }
      ok = writeDirect(socket, head);
    }
    if (chunk === undefined || chunk.length === 0 || this.noBody) return ok;
    const own = borrowed ? Buffer.from(chunk) : chunk;
    if (this.chunked) return writeChunk(socket, own);
    return writeDirect(socket, own);
  }

  end(chunk?: string | Buffer): this {
    if (this.writableEnded || this.destroyed) return this;
    if (!this.headersSent) this.writeHead(200);
    const body = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const socket = this.owner.socket;
    const cork = this.chunked || (!this.headWritten && body !== undefined && body.length > ONE_WRITE_MAX);
    if (cork) socket.cork();
    if (!this.headWritten || (body !== undefined && body.length > 0)) this.writeFramed(socket, body, false);
    if (this.chunked) {
      const trailers = this.trailers;
      socket.write(
        trailers === undefined ? LAST_CHUNK : `${appendHeaderLines('0\r\n', trailers, ownFraming)}\r\n`,
        'latin1',
      );
    }
    if (cork) socket.uncork();
    this.writableEnded = true;
    this.owner.responseEnded(this);
    // Most responses have no listeners: an emit that finds none still costs.
    if (this.listenerCount('finish') > 0) this.emit('finish');
    this.closed();
    return this;
  }

  addTrailers(headers: OutgoingHttpHeaders): void {
    this.trailers = headers;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.owner.destroyConnection();
    return this;
  }

  /** The connection went away before this response ended. */
  connectionClosed(): void {
    if (this.writableEnded) return;
    this.destroyed = true;
    this.closed();
  }

  watchClose(watcher: CloseWatcher): void {
    this.closeWatcher = watcher;
  }

  private closed(): void {
    const w = this.closeWatcher;
    if (w !== undefined) {
      this.closeWatcher = undefined;
      w.downstreamClosed();
    }
    if (this.listenerCount('close') > 0) this.emit('close');
  }

  drained(): void {
    if (!this.waitingDrain) return;
    this.waitingDrain = false;
    this.emit('drain');
  }
}
