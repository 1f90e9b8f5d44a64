/**
 * Incremental parser of HTTP/1.1 responses from an upstream: the status
 * line and headers, then the body framed by content-length, chunked coding
 * or the connection's end (RFC 9112 §6.3). Interim (1xx) responses are
 * skipped. It says whether the connection can carry another request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ChunkedDecoder, FramingError } from './chunked.js';

export { FramingError };

/** A response head larger than this is refused (Envoy's default max_request_headers_kb is 60). */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface ResponseHead {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** The upstream keeps the connection open after this response. */
  keepAlive: boolean;
}

export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

enum Body {
  None,
  Length,
  Chunked,
  UntilClose,
}

export class ResponseParser {
  private head: Buffer | null = null;
  private parsedHead = false;
  private body = Body.None;
  private remaining = 0;
  private chunked: ChunkedDecoder | null = null;
  private finished = false;
  private keepAlive = false;
  private readonly sink: ResponseSink;
  private readonly noBody: boolean;
  private readonly emit: (chunk: Buffer) => void;

  /** `headRequest`: the request was HEAD, so the response has no body whatever it declares. */
  constructor(sink: ResponseSink, headRequest: boolean) {
    this.sink = sink;
    this.noBody = headRequest;
    this.emit = (chunk) => sink.onData(chunk);
  }

  get complete(): boolean {
    return this.finished;
  }

  get headParsed(): boolean {
    return this.parsedHead;
  }

  /** The response so far is framed by the connection's end: an EOF completes it. */
  get endsAtClose(): boolean {
    return this.parsedHead && this.body === Body.UntilClose;
  }

  /**
   * Feeds bytes. Returns the number of bytes past the end of the response
   * (bytes the upstream sent that belong to no request), or 0.
   * Throws FramingError on a malformed response.
   */
  feed(buf: Buffer): number {
    let data = buf;
    while (!this.parsedHead) {
      const all = this.head === null ? data : Buffer.concat([this.head, data]);
      const end = all.indexOf(CRLFCRLF);
      if (end < 0) {
        if (all.length > MAX_HEAD_BYTES) throw new FramingError('response head too large');
        this.head = all;
        return 0;
      }
      this.head = null;
      data = all.subarray(end + 4);
      const interim = this.parseHead(all.toString('latin1', 0, end));
      if (!interim) break;
      if (data.length === 0) return 0;
    }
    if (this.finished) return data.length;
    switch (this.body) {
      case Body.Length: {
        const take = Math.min(this.remaining, data.length);
        if (take > 0) this.sink.onData(take === data.length ? data : data.subarray(0, take));
        this.remaining -= take;
        if (this.remaining === 0) this.finish();
        return data.length - take;
      }
      case Body.Chunked: {
        const used = this.chunked!.feed(data, this.emit);
        if (this.chunked!.done) this.finish();
        return data.length - used;
      }
      case Body.UntilClose:
        if (data.length > 0) this.sink.onData(data);
        return 0;
      default:
        if (!this.finished) this.finish();
        return data.length;
    }
  }

  /** The upstream closed the connection: completes an until-close body; otherwise the response was cut short. */
  eof(): boolean {
    if (this.finished) return true;
    if (this.parsedHead && this.body === Body.UntilClose) {
      this.finish();
      return true;
    }
    return false;
  }

  private finish(): void {
    this.finished = true;
    this.sink.onEnd();
  }

  /** Returns true for an interim (1xx) response, which is dropped. */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const statusLine = lines[0]!;
    // HTTP-version SP status-code SP [reason-phrase]
    if (
      statusLine.length < 12 ||
      !statusLine.startsWith('HTTP/1.') ||
      statusLine.charCodeAt(8) !== 32 ||
      (statusLine.length > 12 && statusLine.charCodeAt(12) !== 32)
    ) {
      throw new FramingError('bad status line');
    }
    const minor = statusLine.charCodeAt(7) - 48;
    const status = Number(statusLine.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999 || (minor !== 0 && minor !== 1)) {
      throw new FramingError('bad status line');
    }
    const headers: IncomingHttpHeaders = {};
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
        throw new FramingError('bad header line');
      }
      const name = line.slice(0, colon).toLowerCase();
      if (name.charCodeAt(name.length - 1) === 32 || name.charCodeAt(name.length - 1) === 9) {
        throw new FramingError('whitespace before colon');
      }
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (contentLength >= 0 && contentLength !== Number(value))) {
          throw new FramingError('bad content-length');
        }
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = value.toLowerCase().endsWith('chunked');
      } else if (name === 'connection') {
        connection = value.toLowerCase();
      }
      const prev = headers[name];
      if (prev === undefined) headers[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else if (name === 'set-cookie') headers[name] = [prev as string, value];
      else headers[name] = `${prev}, ${value}`;
    }
    if (status < 200 && status !== 101) return true;
    this.parsedHead = true;
    const closeAsked = connection.includes('close');
    this.keepAlive = minor === 1 ? !closeAsked : connection.includes('keep-alive');
    if (this.noBody || status === 204 || status === 304 || status < 200) {
      this.body = Body.None;
    } else if (chunked) {
      // Chunked wins over content-length (RFC 9112 §6.3); the connection is not reused after such a message.
      if (contentLength >= 0) this.keepAlive = false;
      this.body = Body.Chunked;
      this.chunked = new ChunkedDecoder();
    } else if (headers['transfer-encoding'] !== undefined) {
      this.body = Body.UntilClose;
    } else if (contentLength >= 0) {
      this.body = Body.Length;
      this.remaining = contentLength;
    } else {
      this.body = Body.UntilClose;
    }
    if (this.body === Body.UntilClose) this.keepAlive = false;
    this.sink.onHead({ status, statusMessage: statusLine.slice(13), headers, keepAlive: this.keepAlive });
    if (this.body === Body.None || (this.body === Body.Length && this.remaining === 0)) this.finish();
    return false;
  }
}
