/**
 * The unit's REST front: Seldon's orchestrator endpoints over node:http.
 * Bad requests get Seldon error bodies; a remote component's own non-200
 * reply passes through untouched; nothing a request does stops the unit.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isSdepError, SdepError } from '../core/sdep-error.js';
import { decodeFeedback, decodeSeldonMessage } from '../protocol/decode-seldon-message.js';
import { mediaType, parseRequestBody } from '../protocol/request-body.js';
import { seldonError } from '../protocol/seldon-error.js';
import type { GraphExecutor, RequestContext } from './graph-executor.js';
import { LazyAbort } from './lazy-abort.js';
import { ComponentReplyError } from './node-error.js';
import { readBody } from './read-body.js';
import type { UnitMetrics } from './unit-metrics.js';

export interface UnitLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface V2Routes {
  /** Handles /v2/... paths (setting served.service); false when the path is not a V2 one. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    ctx: HttpContext,
    served: Served,
  ): Promise<boolean>;
}

export interface HttpContext {
  readonly executor: GraphExecutor;
  readonly metrics: UnitMetrics;
  readonly maxBodyBytes: number;
  isReady(): boolean;
  readonly log: UnitLogger;
  readonly v2?: V2Routes;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Renders any failure as the unit's reply: a component's own reply as sent, else a Seldon error. */
export function sendFailure(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): number {
  if (err instanceof ComponentReplyError) {
    if (typeof err.body === 'string') {
      res.writeHead(err.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(err.body);
    } else sendJson(res, err.status, err.body, headers);
    return err.status;
  }
  const { status, body } = seldonError(err);
  // A too-large body was not read: close the connection rather than drain it.
  const extra: Record<string, string> = status === 413 ? { connection: 'close' } : {};
  sendJson(res, status, body, { ...headers, ...extra });
  return status;
}

function unsupportedMediaType(ct: string): SdepError {
  return new SdepError(
    'SDEP_UNSUPPORTED_MEDIA_TYPE',
    `Content-Type ${ct} is not supported: send application/json (or a form with a json field)`,
    { status: 415 },
  );
}

/** Reads and parses a POST body: JSON, or a form's `json` field as Seldon accepts. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const ct = mediaType(req.headers['content-type']);
  const isJson = ct === '' || ct === 'application/json' || ct.endsWith('+json');
  if (!isJson && ct !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw unsupportedMediaType(ct);
  }
  const raw = await readBody(req, limit);
  return parseRequestBody(raw, ct === '' ? 'application/json' : ct);
}

function methodNotAllowed(method: string, path: string, allowed: string): SdepError {
  return new SdepError('SDEP_UNIT_METHOD_NOT_ALLOWED', `${method} ${path}: use ${allowed}`, { status: 405 });
}

function puidHeader(req: IncomingMessage): string | undefined {
  const h = req.headers['seldon-puid'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && v.trim() !== '' ? v.trim() : undefined;
}

/** Which endpoint served a request, for the metrics label (set before anything can fail). */
export interface Served {
  service: string;
}

/** The executor's context for one request: its puid, and a signal made only if a call reads it. */
class UnitRequest extends LazyAbort implements RequestContext {
  puid?: string;
}

function withPuid(cancel: UnitRequest, puid: string | undefined): UnitRequest {
  if (puid) cancel.puid = puid;
  return cancel;
}

/** One request: route, run, reply. */
async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpContext,
  cancel: UnitRequest,
  served: Served,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const method = req.method ?? 'GET';
  const post = (allowed: string) => {
    if (method !== 'POST') {
      req.resume();
      throw methodNotAllowed(method, path, `POST ${allowed}`);
    }
  };
  const get = () => {
    if (method !== 'GET' && method !== 'HEAD') {
      req.resume();
      throw methodNotAllowed(method, path, 'GET');
    }
  };
  switch (path) {
    case '/api/v1.0/predictions':
    case '/api/v0.1/predictions': {
      served.service = 'predictions';
      post(path);
      let puid = puidHeader(req);
      try {
        const msg = decodeSeldonMessage(await readJsonBody(req, ctx.maxBodyBytes));
        puid ??= msg.meta?.puid;
        const out = await ctx.executor.predict(msg, withPuid(cancel, puid));
        sendJson(res, 200, out, { 'seldon-puid': out.meta?.puid ?? '' });
      } catch (err) {
        const status = sendFailure(res, err, puid ? { 'seldon-puid': puid } : {});
        if (status >= 500) ctx.log.warn({ err, puid }, 'prediction failed');
      }
      return;
    }
    case '/api/v1.0/feedback':
    case '/api/v0.1/feedback': {
      served.service = 'feedback';
      post(path);
      const puid = puidHeader(req);
      const fb = decodeFeedback(await readJsonBody(req, ctx.maxBodyBytes));
      const out = await ctx.executor.feedback(fb, withPuid(cancel, puid));
      sendJson(res, 200, out, { 'seldon-puid': out.meta?.puid ?? '' });
      return;
    }
    case '/api/v1.0/metadata':
      served.service = 'metadata';
      get();
      sendJson(res, 200, await ctx.executor.metadata(cancel));
      return;
    case '/ready':
    case '/health/status':
      served.service = path === '/ready' ? 'ready' : 'health';
      get();
      if (!ctx.isReady()) {
        throw new SdepError('SDEP_UNIT_NOT_READY', 'the unit is still loading its components', {
          status: 503,
        });
      }
      sendJson(res, 200, { status: 'ok' });
      return;
    case '/live':
    case '/health/ping':
      served.service = 'live';
      get();
      sendJson(res, 200, { status: 'ok' });
      return;
    case '/metrics': {
      served.service = 'metrics';
      get();
      const text = await ctx.metrics.text();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType });
      res.end(text);
      return;
    }
  }
  if (ctx.v2 && (await ctx.v2.handle(req, res, path, ctx, served))) return;
  req.resume();
  throw new SdepError('SDEP_UNIT_NOT_FOUND', `no endpoint ${method} ${path} on this unit`, { status: 404 });
}

export function createUnitHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    // The client going away cancels the request's component calls (lazy-abort.ts).
    const cancel = new UnitRequest();
    res.on('close', () => {
      if (!res.writableFinished) cancel.abort(new Error('client went away'));
    });
    const served: Served = { service: 'unknown' };
    route(req, res, ctx, cancel, served)
      .catch((err: unknown) => {
        if (!res.headersSent) sendFailure(res, err);
        else res.destroy();
        // not-ready answers are what readiness probes poll for while components load: not news
        const expected = isSdepError(err) && (err.status < 500 || err.code === 'SDEP_UNIT_NOT_READY');
        if (!expected) ctx.log.warn({ err, url: req.url }, 'request failed');
      })
      .finally(() => {
        const seconds = (performance.now() - started) / 1000;
        ctx.metrics.observeRequest(served.service, req.method ?? 'GET', res.statusCode, seconds);
      });
  };
}
