/**
 * V2 (open inference protocol) endpoints of a unit. The model name is the
 * graph root's name or the deployment's; any other is a 404 V2 error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpContext, type Served, sendJson, type V2Routes } from './unit-http.js';

export interface V2Options {
  modelNames: ReadonlySet<string>;
  defaultModel: string;
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/infer|\/ready)?$/;

function v2Error(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

export function v2Routes(opts: V2Options): V2Routes {
  return {
    async handle(req: IncomingMessage, res: ServerResponse, path: string, ctx: HttpContext, served: Served) {
      if (!path.startsWith('/v2')) return false;
      if (path === '/v2/health/live') {
        served.service = 'v2-live';
        sendJson(res, 200, { live: true });
        return true;
      }
      if (path === '/v2/health/ready') {
        served.service = 'v2-ready';
        const ready = ctx.isReady();
        sendJson(res, ready ? 200 : 503, { ready });
        return true;
      }
      if (path === '/v2' || path === '/v2/') {
        served.service = 'v2-server';
        sendJson(res, 200, { name: 'sdep', version: '0.1.0', extensions: [] });
        return true;
      }
      const m = MODEL_PATH.exec(path);
      if (!m) return false;
      const model = decodeURIComponent(m[1]!);
      const action = m[3];
      served.service = action === '/infer' ? 'v2-infer' : action === '/ready' ? 'v2-model-ready' : 'v2-model';
      if (!opts.modelNames.has(model)) {
        req.resume();
        v2Error(res, 404, `Model ${model} not found (this unit serves ${[...opts.modelNames].join(', ')})`);
        return true;
      }
      if (action === '/ready') {
        const ready = ctx.isReady();
        sendJson(res, ready ? 200 : 503, { name: model, ready });
        return true;
      }
      if (action === undefined) {
        sendJson(res, 200, { name: model, versions: [], platform: 'sdep', inputs: [], outputs: [] });
        return true;
      }
      req.resume();
      v2Error(res, 501, 'V2 inference is not available yet');
      return true;
    },
  };
}
