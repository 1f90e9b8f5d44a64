/**
 * Shared pieces of the gateway integration tests: real node:http upstreams on
 * 127.0.0.1:0 that record what they receive, a gateway built from Mappings,
 * and a small keep-alive client.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Mapping } from '../../src/ambassador/mapping.js';
import {
  createGateway,
  createLiteralResolver,
  type Gateway,
  type GatewayOptions,
} from '../../src/gateway/index.js';
import { buildRouteTable } from '../../src/routing/index.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client port of the connection the request came on (tells connection reuse). */
  remotePort: number;
}

export interface Upstream {
  name: string;
  port: number;
  address: string;
  seen: Seen[];
  close(): Promise<void>;
}

export type UpstreamHandler = (seen: Seen, res: http.ServerResponse) => void;

const defaultHandler =
  (name: string): UpstreamHandler =>
  (seen, res) => {
    const body = JSON.stringify({ upstream: name, url: seen.url });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

export async function startUpstream(name: string, handler?: UpstreamHandler): Promise<Upstream> {
  const seen: Seen[] = [];
  const h = handler ?? defaultHandler(name);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remotePort: req.socket.remotePort ?? 0,
      };
      seen.push(s);
      h(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    port,
    address: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it (bound, read, released). */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RunningGateway {
  gateway: Gateway;
  port: number;
  base: string;
  setMappings(mappings: Mapping[]): void;
  close(): Promise<void>;
}

/** SDEP_TEST_FAST_PATH=0 runs a suite on the reference stack (node:http + undici) instead. */
export const onFastPath = process.env.SDEP_TEST_FAST_PATH !== '0';

export async function startGateway(
  mappings: Mapping[],
  opts: Partial<GatewayOptions> = {},
): Promise<RunningGateway> {
  const gateway = createGateway({ resolver: createLiteralResolver(), fastPath: onFastPath, ...opts });
  const setMappings = (ms: Mapping[]) => {
    const table = buildRouteTable(ms, { ambassadorId: 'default' });
    const errors = table.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`bad test mappings: ${JSON.stringify(errors)}`);
    gateway.setTable(table);
  };
  setMappings(mappings);
  const addr = await gateway.listen(0, '127.0.0.1');
  return {
    gateway,
    port: addr.port,
    base: `http://127.0.0.1:${addr.port}`,
    setMappings,
    close: () => gateway.close(),
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export function request(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      { method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'), headers: opts.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function mapping(
  name: string,
  prefix: string,
  service: string,
  extra: Partial<Mapping> = {},
): Mapping {
  return { name, prefix, service, ...extra };
}

/** A seeded PRNG (mulberry32) so weight and mirror tests are deterministic. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight. */
export async function runConcurrent<T>(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 10 ms for at most `ms`. */
export async function waitFor(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(10);
  }
  return cond();
}
