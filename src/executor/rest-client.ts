/**
 * A component behind the Seldon component microservice REST API, reached
 * through an undici Pool (keep-alive, bounded connections). Failures become
 * errors naming the node: unreachable 503, a component's own non-200 reply
 * passed through with its status and body.
 */
import type { Pool } from 'undici';
import { loadUndici } from '../core/load-undici.js';
import type { Feedback, SeldonMessage } from '../protocol/seldon-message.js';
import type { CallOptions, ComponentClient, NodeMethod } from './component-client.js';
import { ComponentReplyError, nodeError } from './node-error.js';

const PATHS: Record<NodeMethod, string> = {
  predict: '/predict',
  transformInput: '/transform-input',
  transformOutput: '/transform-output',
  route: '/route',
};

export interface RestClientOptions {
  host: string;
  port: number;
  /** requestPath label (image or implementation). */
  label?: string;
  /** Pool size (default 32). */
  connections?: number;
}

export interface RestComponentClient extends ComponentClient {
  close(): Promise<void>;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function restComponentClient(opts: RestClientOptions): RestComponentClient {
  const origin = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  // undici loads with the first call (core/load-undici.ts): a unit of in-process components never needs it.
  let pool: Pool | undefined;
  const poolOf = (): Pool => {
    pool ??= new (loadUndici().Pool)(origin, {
      connections: opts.connections ?? 32,
      keepAliveTimeout: 30_000,
      connect: { timeout: 5_000 },
    });
    return pool;
  };

  async function send(path: string, method: 'GET' | 'POST', body: unknown, o: CallOptions): Promise<unknown> {
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      res = await poolOf().request({
        path,
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: o.signal,
      });
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason ?? err;
      const code = errCode(err) ?? (err as Error).message;
      throw nodeError(
        'SDEP_COMPONENT_UNAVAILABLE',
        `component '${o.node}' is unavailable at ${origin}${path}: ${code}`,
        503,
        err,
      );
    }
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      // Not JSON: keep the text so a non-200 passes through as sent.
    }
    if (res.statusCode !== 200) throw new ComponentReplyError(o.node, res.statusCode, parsed);
    if (typeof parsed !== 'object' || parsed === null) {
      throw nodeError(
        'SDEP_COMPONENT_ERROR',
        `component '${o.node}' answered ${path} with a body that is not a JSON SeldonMessage`,
        500,
      );
    }
    return parsed;
  }

  return {
    kind: 'rest',
    ...(opts.label ? { label: opts.label } : {}),
    call: async (method, msg, o) => (await send(PATHS[method], 'POST', msg, o)) as SeldonMessage,
    aggregate: async (msgs, o) =>
      (await send('/aggregate', 'POST', { seldonMessages: msgs }, o)) as SeldonMessage,
    sendFeedback: async (fb: Feedback, _routing, o) =>
      (await send('/send-feedback', 'POST', fb, o)) as SeldonMessage,
    metadata: (o) => send('/metadata', 'GET', undefined, o),
    close: async () => {
      if (pool !== undefined) await pool.close();
    },
  };
}
