/**
 * A request read by the fast HTTP/1.1 path: the members of
 * DownstreamRequest, and its body as a Readable the connection pushes into
 * (pausing the socket when the reader is slow).
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { RequestHead } from './request-parser.js';

export class H1Request extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The header lines to pass on as they are, when the front end keeps them (RequestHead.fields). */
  readonly headerFields: string | undefined;
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly socket: Socket;
  /** The connection's remote address, read when it was accepted. */
  readonly remoteAddress: string | undefined;
  /** Bytes of body still to come from the socket. */
  remaining: number;
  /**
   * The whole body, when it came with the head (the usual small request):
   * a reader takes it from here and no stream machinery runs.
   */
  readonly bufferedBody: Buffer | undefined;
  /** The body is complete already and is pushed only if someone reads the stream. */
  private lazy: boolean;

  /** `first`: bytes after the head that arrived with it; the part past the body is `leftover`. */
  constructor(
    socket: Socket,
    remoteAddress: string | undefined,
    head: RequestHead,
    first: Buffer | undefined,
  ) {
    super();
    const length = head.contentLength;
    this.socket = socket;
    this.remoteAddress = remoteAddress;
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.headerFields = head.fields;
    this.remaining = length;
    this.lazy = length === 0;
    this.bufferedBody = undefined;
    if (length > 0 && first !== undefined && first.length >= length) {
      this.bufferedBody = first.length === length ? first : first.subarray(0, length);
      this.leftover = first.length === length ? undefined : first.subarray(length);
      this.remaining = 0;
      this.lazy = true;
    } else if (first !== undefined) {
      this.leftover = length > 0 ? this.feed(first) : first;
    }
  }

  /** Bytes that arrived with this request but belong to the next one. */
  leftover: Buffer | undefined;

  override _read(): void {
    if (this.lazy) {
      this.lazy = false;
      if (this.bufferedBody !== undefined) this.push(this.bufferedBody);
      this.push(null);
      return;
    }
    if (this.remaining > 0) this.socket.resume();
  }

  /** Body bytes from the connection; returns the bytes past the body (the next request's). */
  feed(chunk: Buffer): Buffer | undefined {
    const take = Math.min(this.remaining, chunk.length);
    if (take === 0) return chunk.length === 0 ? undefined : chunk;
    this.remaining -= take;
    const part = take === chunk.length ? chunk : chunk.subarray(0, take);
    if (!this.push(part) && this.remaining > 0) this.socket.pause();
    if (this.remaining === 0) this.push(null);
    return take === chunk.length ? undefined : chunk.subarray(take);
  }
}
