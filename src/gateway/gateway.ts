/**
 * The embedded gateway: front end + router filter + clusters, holding one
 * RouteTable at a time. `setTable` swaps atomically: clusters whose spec is
 * unchanged are carried over with their pools, the others drain and close
 * once the requests that started on them are done.
 */
import type { AddressInfo } from 'node:net';
import type { RouteTable } from '../routing/index.js';
import { Cluster, clusterSpecKey } from './cluster.js';
import { Deadlines } from './deadlines.js';
import type { GatewayContext, GatewayMetricsSink, TableState } from './gateway-context.js';
import { createFrontend, type Frontend, type FrontendLimits } from './listener.js';
import { createRouterFilter } from './router-filter.js';
import type { ServiceResolver } from './service-resolver.js';
import type { ShadowComparer } from './shadow-compare.js';
import { resolveTls, type TlsOption } from './tls.js';

export interface GatewayLogger {
  info?(msg: string): void;
  warn(msg: string): void;
}

export interface GatewayOptions {
  resolver: ServiceResolver;
  metrics?: GatewayMetricsSink;
  /** Compare each shadow's responses with the main's (agreement, latency). */
  shadowCompare?: ShadowComparer;
  /** Uniform in [0, 1); Math.random by default. Drives weights, mirrors and back-off jitter. */
  random?: () => number;
  tls?: TlsOption;
  logger?: GatewayLogger;
  /** How long close() lets in-flight requests finish before cutting them (default 10 s). */
  drainTimeoutMs?: number;
  /** Slow-client bounds of the HTTP/1.1 listener (headers 10 s, whole request 300 s by default). */
  limits?: FrontendLimits;
  /**
   * sdep's own HTTP/1.1 codec on both sides of cleartext HTTP/1.1 (the hot
   * path; default true). false: node's http server and undici's Pool, the
   * reference stack the benchmark compares against.
   */
  fastPath?: boolean;
  /**
   * Most shadow copies pipelined on one upstream connection (default 16;
   * 1: none, each copy on a connection of its own). How many actually ride
   * together follows the shadow upstream's speed (http1/pipelined-pool.ts).
   */
  shadowPipelining?: number;
}

export interface Gateway {
  listen(port: number, host?: string): Promise<AddressInfo>;
  setTable(table: RouteTable): void;
  /** The table being served, if any. */
  readonly table: RouteTable | undefined;
  /** Stops accepting, lets in-flight requests finish, closes pools. */
  close(): Promise<void>;
}

/** GatewayOptions.shadowPipelining's default. */
export const DEFAULT_SHADOW_PIPELINING = 16;

export function createGateway(opts: GatewayOptions): Gateway {
  const resolver = opts.resolver;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 10_000;
  let idleWaiters: (() => void)[] = [];
  const ctx: GatewayContext = {
    state: undefined,
    random: opts.random ?? Math.random,
    metrics: opts.metrics,
    shadowCompare: opts.shadowCompare,
    deadlines: new Deadlines(),
    inflight: 0,
    requestDone() {
      ctx.inflight--;
      if (ctx.inflight === 0 && idleWaiters.length > 0) {
        const ws = idleWaiters;
        idleWaiters = [];
        for (const w of ws) w();
      }
    },
  };
  const frontends: Frontend[] = [];
  const unsubscribe = resolver.onChange(() => {
    const state = ctx.state;
    if (state === undefined) return;
    for (const c of state.clusters.values()) c.refresh();
  });
  let closed = false;

  function setTable(table: RouteTable): void {
    const old = ctx.state;
    const clusters = new Map<string, Cluster>();
    const kept = new Set<Cluster>();
    for (const [name, spec] of table.clusters) {
      const prev = old?.clusters.get(name);
      if (prev !== undefined && prev.key === clusterSpecKey(spec)) {
        clusters.set(name, prev);
        kept.add(prev);
      } else {
        const client = opts.fastPath === false ? 'undici' : 'sdep';
        clusters.set(
          name,
          new Cluster(spec, resolver, client, opts.shadowPipelining ?? DEFAULT_SHADOW_PIPELINING),
        );
      }
    }
    const state: TableState = { table, clusters };
    ctx.state = state;
    if (old !== undefined) {
      for (const c of old.clusters.values()) if (!kept.has(c)) void c.drain();
    }
  }

  async function listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    if (closed) throw new Error('gateway is closed');
    const tls = opts.tls === undefined ? undefined : await resolveTls(opts.tls);
    const filter = createRouterFilter(ctx, tls === undefined ? 'http' : 'https');
    const frontend = createFrontend(filter, tls, { ...opts.limits, fastPath: opts.fastPath !== false });
    frontends.push(frontend);
    return frontend.listen(port, host);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const f of frontends) f.stopAccepting();
    if (ctx.inflight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, drainTimeoutMs);
        t.unref();
        idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    for (const f of frontends) f.destroy();
    const state = ctx.state;
    ctx.state = undefined;
    if (state !== undefined) await Promise.all([...state.clusters.values()].map((c) => c.destroy()));
  }

  return {
    listen,
    setTable,
    get table() {
      return ctx.state?.table;
    },
    close,
  };
}
