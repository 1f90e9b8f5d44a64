/**
 * The component microservice over REST, as Seldon's Python wrapper serves a
 * user model: POST /predict, /transform-input, /transform-output, /route,
 * /aggregate, /send-feedback (and the /api/v1.0 and /api/v0.1 aliases),
 * GET /health/ping, /health/status, /metadata, /metrics.
 */
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import {
  decodeFeedback,
  decodeSeldonMessage,
  decodeSeldonMessageList,
} from '../protocol/decode-seldon-message.js';
import { parseRequestBody } from '../protocol/request-body.js';
import { seldonError, wrapperError } from '../protocol/seldon-error.js';
import type { SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from './component.js';
import { ComponentMetrics } from './component-metrics.js';
import {
  componentMetadata,
  type InvokeContext,
  invokeAggregate,
  invokeHealthStatus,
  invokePredict,
  invokeRoute,
  invokeSendFeedback,
  invokeTransformInput,
  invokeTransformOutput,
} from './invoke-component.js';
import { readBody } from './read-body.js';
import { runtimeError } from './runtime-error.js';
import type { UnitIdentity } from './unit-identity.js';

export interface ComponentServerOptions {
  unit?: UnitIdentity;
  /** Largest accepted request body; larger gets 413. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Error body dialect: the Python wrapper's (default, as Seldon's microservices reply) or the executor's. */
  errorStyle?: 'wrapper' | 'seldon';
  /** Registry for /metrics; a fresh one by default. */
  registry?: Registry;
}

export interface ComponentServer {
  server: Server;
  metrics: ComponentMetrics;
  /** Listens and resolves the bound port (0 picks one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

type Handler = (body: unknown) => Promise<SeldonMessage>;

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

export function createComponentServer(
  component: Component,
  opts: ComponentServerOptions = {},
): ComponentServer {
  const ctx: InvokeContext = { unit: opts.unit ?? {} };
  const metrics = new ComponentMetrics(opts.registry);
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const renderError = opts.errorStyle === 'seldon' ? seldonError : wrapperError;

  const post: Record<string, [string, Handler]> = {};
  const alias = (paths: string[], method: string, h: Handler) => {
    for (const p of paths) post[p] = [method, h];
  };
  alias(['/predict', '/api/v1.0/predictions', '/api/v0.1/predictions'], 'predict', (b) =>
    invokePredict(component, decodeSeldonMessage(b), ctx),
  );
  alias(
    ['/transform-input', '/api/v1.0/transform-input', '/api/v0.1/transform-input'],
    'transform-input',
    (b) => invokeTransformInput(component, decodeSeldonMessage(b), ctx),
  );
  alias(
    ['/transform-output', '/api/v1.0/transform-output', '/api/v0.1/transform-output'],
    'transform-output',
    (b) => invokeTransformOutput(component, decodeSeldonMessage(b), ctx),
  );
  alias(['/route', '/api/v1.0/route', '/api/v0.1/route'], 'route', (b) =>
    invokeRoute(component, decodeSeldonMessage(b), ctx),
  );
  alias(['/aggregate', '/api/v1.0/aggregate', '/api/v0.1/aggregate'], 'aggregate', (b) =>
    invokeAggregate(component, decodeSeldonMessageList(b), ctx),
  );
  alias(['/send-feedback', '/api/v1.0/feedback', '/api/v0.1/feedback'], 'send-feedback', async (b) => {
    const fb = decodeFeedback(b);
    const res = await invokeSendFeedback(component, fb, ctx);
    metrics.recordFeedback(fb.reward ?? 0);
    return res;
  });

  const get: Record<string, (res: ServerResponse) => Promise<void> | void> = {
    '/health/ping': (res) => send(res, 200, 'pong', 'text/plain; charset=utf-8'),
    '/health/status': async (res) => sendJson(res, 200, await invokeHealthStatus(component, ctx)),
    '/metadata': (res) => sendJson(res, 200, componentMetadata(component, ctx)),
    '/metrics': async (res) => send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://unit');
    const route = post[url.pathname];
    if (req.method === 'GET' && get[url.pathname]) return get[url.pathname]!(res);
    if (!route) throw runtimeError('SDEP_NOT_FOUND', `no endpoint ${req.method} ${url.pathname}`);
    const [method, handler] = route;
    const started = performance.now();
    let code = 200;
    try {
      // Seldon also serves GET /predict?json=... ; the body is the usual route.
      const query = url.searchParams.get('json');
      const body =
        req.method === 'GET' && query !== null
          ? parseRequestBody(Buffer.from(query), 'application/json')
          : req.method === 'POST'
            ? parseRequestBody(await readBody(req, limit), req.headers['content-type'])
            : undefined;
      if (body === undefined)
        throw runtimeError('SDEP_NOT_FOUND', `${method} needs POST (or GET with ?json=)`);
      const out = await handler(body);
      metrics.recordCustom(out.meta?.metrics);
      sendJson(res, 200, out);
    } catch (e) {
      code = fail(res, e);
    } finally {
      metrics.observeRequest(method, code, (performance.now() - started) / 1000);
    }
  }

  function fail(res: ServerResponse, e: unknown): number {
    const { status, body } = renderError(e);
    if (status === 413) res.setHeader('Connection', 'close');
    sendJson(res, status, body);
    return status;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) fail(res, e);
      else res.destroy();
    });
  });

  return {
    server,
    metrics,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}
