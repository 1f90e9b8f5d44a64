/**
 * The fast path's connections of one server: each accepted socket becomes
 * an H1Connection, and one sweep holds them all to their time limits (head,
 * whole request, keep-alive idle) instead of a timer per connection.
 * `takeOver` puts a node http.Server's cleartext connections on the fast
 * path, the server itself answering whatever the fast path declines.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type ConnectionHost, H1Connection } from './downstream-connection.js';

/** Time limits of the connections, and what their requests carry. */
export interface ConnectionOptions {
  headersTimeoutMs: number;
  /** 0: none. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Requests carry their header lines to pass on (RequestHead.fields): a proxy's front end. */
  keepFields?: boolean;
}

export interface ConnectionSet {
  accept(socket: Socket): void;
  /** Each connection closes once idle (shutdown). */
  stopAll(): void;
  destroyAll(): void;
}

/** How often the limits are checked (node's own connectionsCheckingInterval rule). */
export function checkingInterval(headersTimeoutMs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(headersTimeoutMs / 2)));
}

export function connectionSet(
  handler: ConnectionHost['handler'],
  toNodeHttp: (socket: Socket) => void,
  toH2c: (socket: Socket) => void,
  options: ConnectionOptions,
): ConnectionSet {
  const open = new Set<H1Connection>();
  const host: ConnectionHost = {
    handler,
    toNodeHttp,
    toH2c,
    removed: (c) => open.delete(c),
    keepFields: options.keepFields === true,
  };
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = options;
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const c of open) c.check(now, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs);
  }, checkingInterval(headersTimeoutMs));
  sweeper.unref();
  return {
    accept: (socket) => {
      open.add(new H1Connection(socket, host));
    },
    stopAll: () => {
      for (const c of [...open]) c.stop();
    },
    destroyAll: () => {
      clearInterval(sweeper);
      for (const c of [...open]) c.socket.destroy();
    },
  };
}

/**
 * Moves `server`'s 'connection' listeners aside and reads its connections
 * on the fast path; a connection whose request the fast path declines (or
 * that opens with the HTTP/2 preface, which a plain http.Server answers as
 * it would) goes to those listeners with every byte read so far.
 */
export function takeOver(
  server: http.Server,
  handler: ConnectionHost['handler'],
  options: ConnectionOptions,
): ConnectionSet {
  const toNode = moveListenersAside(server, 'connection');
  const set = connectionSet(handler, toNode, toNode, options);
  server.on('connection', (socket: Socket) => set.accept(socket));
  return set;
}

/**
 * Removes `server`'s listeners for a connection event and returns a function
 * that gives a socket to them, as the server itself would have.
 */
export function moveListenersAside(server: EventEmitter, event: string): (socket: Socket) => void {
  const listeners = server.listeners(event) as ((socket: Socket) => void)[];
  server.removeAllListeners(event);
  return (socket) => {
    for (const l of listeners) l.call(server, socket);
  };
}
