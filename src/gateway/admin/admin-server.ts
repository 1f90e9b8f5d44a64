/**
 * The admin port (8877, as Ambassador's): alive/ready checks, diag (HTML and
 * JSON), Prometheus /metrics. Other parts (embedded controller status,
 * dashboard) plug in through `extraRoutes` and `fallback`.
 */
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { RouteTable } from '../../routing/route-table.js';
import { withAdminAuth } from './admin-auth.js';
import { diagHtml } from './diag-html.js';
import { diagDocument } from './diag-json.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface AdminRoute {
  /** Exact path, or a path prefix when `prefix` is true. */
  path: string;
  prefix?: boolean;
  /** Default: GET and HEAD. */
  methods?: readonly string[];
  handler: AdminHandler;
}

export interface AdminServerOptions {
  getTable: () => RouteTable | undefined;
  registry: Registry;
  /** Findings from stages before routing (file reads, Mapping loading), listed on diag. */
  getDiagnostics?: () => readonly Diagnostic[];
  /** Extra readiness condition (e.g. units up); ready also needs a loaded table. */
  isReady?: () => boolean;
  /** Merged into the diag JSON under `status` (e.g. the embedded controller's view). */
  getExtraStatus?: () => unknown;
  /** Checked before the built-in paths, in order. */
  extraRoutes?: readonly AdminRoute[];
  /** Called for paths nothing else serves (e.g. the dashboard); default 404. */
  fallback?: AdminHandler;
  /** Shown on diag (default `sdep`). */
  version?: string;
  /** When set, every path but check_alive/check_ready needs `Authorization: Bearer <token>` (else 401). */
  token?: string;
}

export const ALIVE_TEXT = 'Ambassador is alive and well';
export const READY_TEXT = 'Ambassador is ready and waiting';
export const NOT_READY_TEXT = 'Ambassador is not ready';

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
  });
  res.end(head ? undefined : body);
}

export function createAdminServer(opts: AdminServerOptions): Server {
  const extra = opts.extraRoutes ?? [];
  const version = opts.version ?? 'sdep';

  const builtIn = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return false;
    switch (url.pathname) {
      case '/ambassador/v0/check_alive':
        send(res, 200, 'text/plain; charset=utf-8', ALIVE_TEXT, head);
        return true;
      case '/ambassador/v0/check_ready': {
        const ready = opts.getTable() !== undefined && (opts.isReady?.() ?? true);
        send(res, ready ? 200 : 503, 'text/plain; charset=utf-8', ready ? READY_TEXT : NOT_READY_TEXT, head);
        return true;
      }
      case '/ambassador/v0/diag':
      case '/ambassador/v0/diag/': {
        const doc = diagDocument(opts.getTable(), opts.getDiagnostics?.() ?? [], version);
        const json = url.searchParams.get('json');
        if (json !== null && json !== 'false') {
          const status = opts.getExtraStatus?.();
          const body = JSON.stringify(status === undefined ? doc : { ...doc, status }, null, 2);
          send(res, 200, 'application/json', body, head);
        } else {
          send(res, 200, 'text/html; charset=utf-8', diagHtml(doc), head);
        }
        return true;
      }
      case '/metrics': {
        const text = await opts.registry.metrics();
        send(res, 200, opts.registry.contentType, text, head);
        return true;
      }
      default:
        return false;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin');
    const method = req.method ?? 'GET';
    for (const r of extra) {
      const hit = r.prefix ? url.pathname.startsWith(r.path) : url.pathname === r.path;
      if (!hit || !(r.methods ?? ['GET', 'HEAD']).includes(method)) continue;
      await r.handler(req, res, url);
      return;
    }
    if (await builtIn(req, res, url)) return;
    if (opts.fallback) {
      await opts.fallback(req, res, url);
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', method === 'HEAD');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `admin error: ${String(e)}\n`, false);
      else res.destroy();
    });
  };
  // The token check wraps the whole listener: no route, extra or fallback, can be reached around it.
  const server = createServer(opts.token === undefined ? listener : withAdminAuth(listener, opts.token));
  // Bound slow clients: the admin port serves small requests only.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}
