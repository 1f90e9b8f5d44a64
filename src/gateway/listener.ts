/**
 * The front end. Cleartext: HTTP/1.1 with keep-alive and HTTP/2 with prior
 * knowledge (h2c, for gRPC) on one port — the first bytes of a connection
 * are peeked and an HTTP/2 preface sends the socket to the http2 server.
 * HTTP/1.1 is read by sdep's fast path (http1/downstream-connection.ts), which
 * hands any request it does not take to node's http server. TLS: one http2 secure server with
 * ALPN offering h2 and http/1.1; HTTP/1.1 over it is read by the fast path as well.
 */

import type { Buffer } from 'node:buffer';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type ConnectionSet,
  checkingInterval,
  connectionSet,
  moveListenersAside,
} from '../http1/connection-set.js';
import { type ConnectionHost, handOver, startsLikePreface } from '../http1/downstream-connection.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { TlsMaterial } from './tls.js';

export type RequestHandler = (req: DownstreamRequest, res: DownstreamResponse) => void;

/** node:http and the http2 compatibility API deliver these; the router reads only their shared members. */
function asNodeHandler(
  handler: RequestHandler,
): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void {
  return handler as unknown as (
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ) => void;
}

/** H1Request and H1Response have the members the router reads (downstream.ts). */
function asFastHandler(handler: RequestHandler): ConnectionHost['handler'] {
  return handler as unknown as ConnectionHost['handler'];
}

export interface Frontend {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting connections and closes idle ones; open requests continue. */
  stopAccepting(): void;
  /** Closes every remaining connection. */
  destroy(): void;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Slow-client bounds of the HTTP/1.1 front end. */
export interface FrontendLimits {
  /** A connection must deliver a request's complete headers within this (also: its first byte). Default 10 s. */
  headersTimeoutMs?: number;
  /** ... and the whole request, body included. Default 300 s; 0 disables. */
  requestTimeoutMs?: number;
}

/** How the cleartext HTTP/1.1 front end reads requests. */
export interface FrontendOptions extends FrontendLimits {
  /**
   * Read plain HTTP/1.1 requests with sdep's own strict parser (the hot
   * path), handing anything unusual to node's http server; false: node's
   * http server reads every request. Default true.
   */
  fastPath?: boolean;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

function h2Options() {
  return {
    settings: { maxConcurrentStreams: 1000 },
    maxSessionMemory: 64,
  };
}

export function createFrontend(
  routerFilter: RequestHandler,
  tls: TlsMaterial | undefined,
  options: FrontendOptions = {},
): Frontend {
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const handler = asNodeHandler(routerFilter);
  const limits = {
    headersTimeoutMs: headersTimeout,
    requestTimeoutMs: requestTimeout,
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    // The router passes the client's header lines on as they are (upstream-headers.ts).
    keepFields: true,
  };
  const sessions = new Set<Http2Session>();
  const trackSession = (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  };

  if (tls !== undefined) {
    const server = http2.createSecureServer(
      {
        ...h2Options(),
        cert: tls.cert,
        key: tls.key,
        allowHTTP1: true,
        ALPNProtocols: ['h2', 'http/1.1'],
        // a connection that never finishes the TLS handshake is cut as one that never sends headers
        handshakeTimeout: headersTimeout,
      },
      handler,
    );
    // What the fast path hands to node (all of HTTP/1.1 with fastPath false) reads its slow-client bounds from here
    Object.assign(server, {
      headersTimeout,
      requestTimeout: requestTimeout > 0 ? Math.max(requestTimeout, headersTimeout) : 0,
      connectionsCheckingInterval: checkingInterval(headersTimeout),
    });
    server.on('session', trackSession);
    const sockets = new Set<Socket>();
    // Raw TCP sockets, so connections that never finish the handshake are closed too.
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    let fastTls: ConnectionSet | undefined;
    if (options.fastPath !== false) {
      // HTTP/1.1 over TLS (ALPN http/1.1, or none) is read by the fast path too;
      // h2, and any request it declines, go to the http2 server's own listener.
      const toNode = moveListenersAside(server, 'secureConnection');
      const fast = connectionSet(asFastHandler(routerFilter), toNode, toNode, limits);
      fastTls = fast;
      server.on('secureConnection', (socket: TLSSocket) => {
        if (socket.alpnProtocol === 'h2') toNode(socket);
        else fast.accept(socket);
      });
    }
    return {
      listen: (port, host) => listenOn(server, port, host),
      stopAccepting() {
        server.close();
        fastTls?.stopAll();
        for (const s of sessions) s.close();
      },
      destroy() {
        fastTls?.destroyAll();
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
      },
    };
  }

  const h1 = http.createServer(
    {
      keepAlive: true,
      noDelay: true,
      headersTimeout,
      requestTimeout: requestTimeout > 0 ? Math.max(requestTimeout, headersTimeout) : 0,
      connectionsCheckingInterval: checkingInterval(headersTimeout),
    },
    handler,
  );
  h1.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const h2c = http2.createServer(h2Options(), handler);
  h2c.on('session', trackSession);
  const toH1 = moveListenersAside(h1, 'connection');
  const h2Sockets = new Set<Socket>();
  const toH2c = (socket: Socket) => {
    h2Sockets.add(socket);
    socket.once('close', () => h2Sockets.delete(socket));
    // The http2 session takes the socket's handle and first reads what is buffered.
    h2c.emit('connection', socket);
  };
  let fast: ConnectionSet | undefined;
  if (options.fastPath !== false) {
    const f = connectionSet(asFastHandler(routerFilter), toH1, toH2c, limits);
    fast = f;
    h1.on('connection', (socket: Socket) => f.accept(socket));
  } else {
    h1.on('connection', (socket: Socket) => {
      // Until its first byte the socket belongs to neither server: bound that wait here (slow-loris).
      const silent = setTimeout(() => socket.destroy(), headersTimeout);
      silent.unref();
      socket.once('close', () => clearTimeout(silent));
      socket.once('data', (chunk: Buffer) => {
        clearTimeout(silent);
        if (startsLikePreface(chunk)) handOver(socket, chunk, toH2c, false);
        else handOver(socket, chunk, toH1, true);
      });
    });
  }
  return {
    listen: (port, host) => listenOn(h1, port, host),
    stopAccepting() {
      h1.close();
      h1.closeIdleConnections();
      fast?.stopAll();
      for (const s of sessions) s.close();
    },
    destroy() {
      fast?.destroyAll();
      h1.closeAllConnections();
      for (const s of sessions) s.destroy();
      for (const s of h2Sockets) s.destroy();
    },
  };
}

function listenOn(
  server: http.Server | http2.Http2SecureServer,
  port: number,
  host: string,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
