/**
 * The downstream request/response shapes the data plane handles: node:http
 * (HTTP/1.1) and the node:http2 compatibility API (h2c, TLS with ALPN) share
 * these members, so one router serves every front end.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import type { CloseWatcher } from '../http1/downstream-response.js';

export interface DownstreamRequest extends Readable {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersionMajor: number;
  readonly socket: { remoteAddress?: string | undefined; encrypted?: boolean } | null;
  /** The client's address, when the front end read it once for the connection (sdep's HTTP/1.1 path). */
  readonly remoteAddress?: string | undefined;
  /** The whole body, already read, when the front end has it (sdep's HTTP/1.1 path, small requests). */
  readonly bufferedBody?: Buffer | undefined;
  /** Its header lines to pass on as they are (sdep's HTTP/1.1 path: RequestHead.fields). */
  readonly headerFields?: string | undefined;
  /** Present on HTTP/2 requests only. */
  readonly stream?: ServerHttp2Stream;
}

export interface DownstreamResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed?: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  /** sdep's HTTP/1.1 responses only: an upstream head passed on as lines (H1Response). */
  writeHeadForwarded?(status: number, headers: IncomingHttpHeaders, fields: string, added: string): boolean;
  /**
   * sdep's HTTP/1.1 responses only: `watcher` is told where 'close' is
   * emitted, ahead of its listeners, without an EventEmitter entry per request.
   */
  watchClose?(watcher: CloseWatcher): void;
  /**
   * sdep's HTTP/1.1 responses only: write() copies what it keeps, so it
   * may be handed bytes its caller reuses once it returns. Others keep the
   * chunk, and are given a copy of such bytes.
   */
  readonly copiesWrites?: boolean;
  write(chunk: Buffer): boolean;
  end(chunk?: string | Buffer): unknown;
  addTrailers(headers: OutgoingHttpHeaders): void;
  destroy(error?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

export function isGrpcRequest(headers: IncomingHttpHeaders): boolean {
  const ct = headers['content-type'];
  return ct?.startsWith('application/grpc') === true;
}
