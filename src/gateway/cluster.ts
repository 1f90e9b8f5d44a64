/**
 * A cluster at run time: its endpoints (from the ServiceResolver), one
 * keep-alive HTTP/1.1 pool (ours; undici's for TLS) or http2 session (h2c, gRPC) per
 * endpoint, the load balancer and the circuit breaker. Clusters whose spec is
 * unchanged survive a table swap with their pools; a removed cluster drains
 * (requests that started on it finish) and then closes its pools.
 */
import http2 from 'node:http2';
import { loadUndici } from '../core/load-undici.js';
import type { UpstreamDispatcher } from '../http1/dispatch.js';
import { PipelinedPool } from '../http1/pipelined-pool.js';
import { UpstreamPool } from '../http1/upstream-pool.js';
import type { ClusterSpec } from '../routing/route-table.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { Endpoint, ServiceResolver } from './service-resolver.js';

export class EndpointState {
  readonly key: string;
  readonly endpoint: Endpoint;
  /** Requests in flight to this endpoint (least_request). */
  active = 0;
  pool: UpstreamDispatcher | undefined;
  /** Shadow copies' pipelined pool (Cluster.mirrorPool), when pipelining is on. */
  mirrorPool: UpstreamDispatcher | undefined;
  session: http2.ClientHttp2Session | undefined;
  /** The current session finished its handshake (tells connect failure from reset). */
  sessionReady = false;

  constructor(key: string, endpoint: Endpoint) {
    this.key = key;
    this.endpoint = endpoint;
  }

  close(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.pool) closing.push(this.pool.close());
    if (this.mirrorPool) closing.push(this.mirrorPool.close());
    if (this.session && !this.session.closed) {
      const s = this.session;
      closing.push(new Promise<void>((resolve) => s.close(resolve)));
    }
    this.pool = undefined;
    this.mirrorPool = undefined;
    this.session = undefined;
    return Promise.all(closing).then(noop, noop);
  }
}

function noop(): void {}

function endpointKey(ep: Endpoint): string {
  return `${ep.host}:${ep.port}:${ep.grpcPort ?? ''}`;
}

/** Two specs with the same key can share a Cluster (and its pools) across a table swap. */
export function clusterSpecKey(spec: ClusterSpec): string {
  const cb = spec.circuitBreaker;
  return [
    spec.name,
    spec.service,
    spec.loadBalancer,
    spec.connectTimeoutMs,
    spec.http2,
    spec.tls,
    cb.maxConnections,
    cb.maxPendingRequests,
    cb.maxRequests,
    cb.maxRetries,
  ].join('|');
}

const KEEP_ALIVE_MS = 60_000;

/**
 * Which HTTP/1.1 client carries cleartext upstream requests: `sdep` (our
 * pool, the hot path) or `undici` (the reference, used for TLS upstreams
 * either way).
 */
export type UpstreamClient = 'sdep' | 'undici';

export class Cluster {
  readonly spec: ClusterSpec;
  readonly key: string;
  readonly breaker: CircuitBreaker;
  endpoints: EndpointState[] = [];
  private readonly resolver: ServiceResolver;
  private rr = 0;
  private refs = 0;
  private closing = false;
  private closed: Promise<void> | undefined;
  private onDrained: (() => void) | undefined;

  private readonly client: UpstreamClient;
  private readonly shadowDepth: number;

  /** `shadowDepth`: most shadow copies pipelined on one connection (1: none; mirrorPool). */
  constructor(
    spec: ClusterSpec,
    resolver: ServiceResolver,
    client: UpstreamClient = 'sdep',
    shadowDepth = 1,
  ) {
    this.spec = spec;
    this.client = client;
    this.shadowDepth = shadowDepth;
    this.key = clusterSpecKey(spec);
    this.resolver = resolver;
    this.breaker = new CircuitBreaker(spec.circuitBreaker);
    this.refresh();
  }

  /** Re-reads the endpoints; pools of endpoints that stay are kept, the others close gracefully. */
  refresh(): void {
    const next = this.resolver.resolve(this.spec.service);
    const old = new Map<string, EndpointState>();
    for (const st of this.endpoints) old.set(st.key, st);
    const states: EndpointState[] = [];
    for (const ep of next) {
      const key = endpointKey(ep);
      const kept = old.get(key);
      if (kept) {
        old.delete(key);
        states.push(kept);
      } else {
        states.push(new EndpointState(key, ep));
      }
    }
    this.endpoints = states;
    for (const gone of old.values()) void gone.close();
  }

  /**
   * Picks an endpoint: round robin, or the least loaded one for
   * `least_request`; avoids `exclude` (the endpoint a retry comes from) when
   * there is another.
   */
  pick(exclude: EndpointState | undefined): EndpointState | undefined {
    const eps = this.endpoints;
    const n = eps.length;
    if (n === 0) return undefined;
    if (n === 1) return eps[0];
    const start = this.rr++ % n;
    if (this.rr > 1e9) this.rr = 0;
    if (this.spec.loadBalancer === 'least_request') {
      let best: EndpointState | undefined;
      for (let i = 0; i < n; i++) {
        const st = eps[(start + i) % n]!;
        if (st === exclude) continue;
        if (best === undefined || st.active < best.active) best = st;
      }
      return best ?? eps[start];
    }
    const st = eps[start]!;
    if (st === exclude) return eps[(start + 1) % n];
    return st;
  }

  /** What both of our HTTP/1.1 pools take for one endpoint. */
  private poolOptions(st: EndpointState) {
    return {
      host: st.endpoint.host,
      port: st.endpoint.port,
      authority: `${hostForUrl(st.endpoint.host)}:${st.endpoint.port}`,
      connections: this.spec.circuitBreaker.maxConnections,
      connectTimeoutMs: this.spec.connectTimeoutMs,
      keepAliveMs: KEEP_ALIVE_MS,
    };
  }

  pool(st: EndpointState): UpstreamDispatcher {
    let pool = st.pool;
    if (pool === undefined && !this.spec.tls && this.client === 'sdep') {
      pool = new UpstreamPool(this.poolOptions(st));
      st.pool = pool;
    }
    if (pool === undefined) {
      const ep = st.endpoint;
      const origin = `${this.spec.tls ? 'https' : 'http'}://${hostForUrl(ep.host)}:${ep.port}`;
      const undiciPool = new (loadUndici().Pool)(origin, {
        connections: this.spec.circuitBreaker.maxConnections,
        pipelining: 1,
        connectTimeout: this.spec.connectTimeoutMs,
        // The route timeout bounds the exchange; undici's own timers stay off.
        headersTimeout: 0,
        bodyTimeout: 0,
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS,
        ...(this.spec.tls ? { connect: { rejectUnauthorized: false } } : {}),
      });
      // undici's handler contract is the one dispatch.ts copies.
      pool = undiciPool as unknown as UpstreamDispatcher;
      st.pool = pool;
    }
    return pool;
  }

  /**
   * Where shadow copies nobody compares go: a pipelined pool (pipelined-pool.ts)
   * when pipelining is on and our pool carries this cluster, else pool(st).
   */
  mirrorPool(st: EndpointState): UpstreamDispatcher {
    if (this.shadowDepth <= 1 || this.spec.tls || this.client !== 'sdep') return this.pool(st);
    let pool = st.mirrorPool;
    if (pool === undefined) {
      pool = new PipelinedPool({ ...this.poolOptions(st), maxDepth: this.shadowDepth });
      st.mirrorPool = pool;
    }
    return pool;
  }

  /** The h2c (or h2 over TLS) session to an endpoint, opened on first use and reopened after it ends. */
  session(st: EndpointState): http2.ClientHttp2Session {
    let s = st.session;
    if (s === undefined || s.closed || s.destroyed) {
      const ep = st.endpoint;
      const port = ep.grpcPort ?? ep.port;
      const authority = `${this.spec.tls ? 'https' : 'http'}://${hostForUrl(ep.host)}:${port}`;
      s = http2.connect(authority, this.spec.tls ? { rejectUnauthorized: false } : {});
      const created = s;
      st.sessionReady = false;
      s.once('connect', () => {
        if (st.session === created) st.sessionReady = true;
      });
      const forget = () => {
        if (st.session === created) st.session = undefined;
      };
      s.on('error', forget);
      s.on('close', forget);
      s.on('goaway', forget);
      s.unref();
      st.session = s;
    }
    return s;
  }

  /** A request holds the cluster while it may still use it. */
  acquire(): void {
    this.refs++;
  }

  release(): void {
    this.refs--;
    if (this.closing && this.refs === 0 && this.onDrained) this.onDrained();
  }

  /** Stops new use; closes the pools once requests that started on this cluster are done. */
  drain(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.closed = new Promise<void>((resolve) => {
      const closeAll = () => {
        this.onDrained = undefined;
        const eps = this.endpoints;
        this.endpoints = [];
        void Promise.all(eps.map((st) => st.close())).then(() => resolve());
      };
      if (this.refs === 0) closeAll();
      else this.onDrained = closeAll;
    });
    return this.closed;
  }

  /** Closes at once, aborting what is still in flight. */
  async destroy(): Promise<void> {
    const eps = this.endpoints;
    this.endpoints = [];
    await Promise.all(
      eps.map(async (st) => {
        if (st.pool) await st.pool.destroy().catch(noop);
        if (st.mirrorPool) await st.mirrorPool.destroy().catch(noop);
        st.session?.destroy();
        st.pool = undefined;
        st.mirrorPool = undefined;
        st.session = undefined;
      }),
    );
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
