/**
 * The dispatcher contract between an exchange and an upstream client: the
 * shape of undici's `Dispatcher.dispatch(options, handler)` (handler API v2),
 * so the HTTP/1.1 exchange and the mirror run over either our own pool
 * (upstream-pool.ts) or an undici Pool (TLS upstreams) unchanged.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface DispatchController {
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

export interface DispatchHandler {
  onRequestStart?(controller: DispatchController, context: unknown): void;
  /** `fields`: our pool only, the head's lines ready to pass on (ResponseHead.fields). */
  onResponseStart?(
    controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
    fields?: string,
  ): void;
  /** `chunk` is valid only during the call (our pool reads into one shared buffer): copy what is kept. */
  onResponseData?(controller: DispatchController, chunk: Buffer): void;
  onResponseEnd?(controller: DispatchController, trailers: IncomingHttpHeaders): void;
  onResponseError?(controller: DispatchController | undefined, error: Error): void;
}

export interface DispatchOptions {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer | Readable | null;
  /** Bound on the wait for the response head, from dispatch (0 or absent: none). */
  headersTimeout?: number;
  /** Bound on silence between response body chunks (0 or absent: none). */
  bodyTimeout?: number;
  /**
   * The handler wants neither the response's fields nor its body (an
   * uncompared shadow's): ours reads only the framing and hands it no
   * headers and no body bytes; undici ignores the hint.
   */
  discardResponse?: boolean;
  /**
   * `headers` written out already: the head's field lines, Host included,
   * without framing ones. Ours writes these instead of `headers`, and then
   * reads `headers` for a kept content-length only (writesFields); undici
   * ignores them.
   */
  fields?: string;
}

export interface UpstreamDispatcher {
  /** Writes DispatchOptions.fields when given, so `headers` need not say the same (ours). */
  readonly writesFields?: boolean;
  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean;
  /** Finishes what is in flight, then closes. */
  close(): Promise<void>;
  /** Aborts what is in flight and closes. */
  destroy(): Promise<void>;
}

/** Error codes of our pool (internal, like undici's UND_ERR_*): failureKind() in the exchange maps them to SDEP_GATEWAY_* replies. */
export const UpstreamCodes = {
  connectTimeout: 'H1_UPSTREAM_CONNECT_TIMEOUT',
  headersTimeout: 'H1_UPSTREAM_HEADERS_TIMEOUT',
  bodyTimeout: 'H1_UPSTREAM_BODY_TIMEOUT',
  closed: 'H1_UPSTREAM_CLOSED',
  protocol: 'H1_UPSTREAM_PROTOCOL',
  destroyed: 'H1_UPSTREAM_DESTROYED',
  /** A header value with CR, LF or NUL (header-lines.ts refuses to write it). */
  invalidHeader: 'H1_INVALID_HEADER',
} as const;

export function upstreamError(code: string, message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.code = code;
  return err;
}
