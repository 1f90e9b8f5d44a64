/**
 * V2 (open inference protocol) endpoints of a unit. The model name is the
 * graph root's name or the deployment's; any other is a 404 V2 error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  decodeV2Request,
  seldonMessageToV2Response,
  v2Error as v2ErrorBody,
  v2RequestToSeldonMessage,
} from '../protocol/v2/v2-codec.js';
import { ComponentReplyError } from './node-error.js';
import { type HttpContext, readJsonBody, type Served, sendJson, type V2Routes } from './unit-http.js';

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
      if (req.method !== 'POST') {
        req.resume();
        v2Error(res, 405, `${req.method} ${path}: use POST`);
        return true;
      }
      try {
        const v2req = decodeV2Request(await readJsonBody(req, ctx.maxBodyBytes));
        const header = req.headers['seldon-puid'];
        const puid = typeof header === 'string' && header !== '' ? header : undefined;
        const out = await ctx.executor.predict(v2RequestToSeldonMessage(v2req), puid ? { puid } : {});
        const dt = v2req.inputs[0]?.datatype;
        const body = seldonMessageToV2Response(out, {
          modelName: model,
          ...(m[2] ? { modelVersion: decodeURIComponent(m[2]) } : {}),
          ...(v2req.id !== undefined ? { id: v2req.id } : {}),
          ...(dt === 'FP32' || dt === 'FP64' ? { datatype: dt } : {}),
        });
        sendJson(res, 200, body, { 'seldon-puid': out.meta?.puid ?? '' });
      } catch (err) {
        if (err instanceof ComponentReplyError) {
          v2Error(res, err.status, `component replied ${err.status}: ${JSON.stringify(err.body)}`);
        } else {
          const e = v2ErrorBody(err);
          sendJson(res, e.status, e.body, e.status === 413 ? { connection: 'close' } : {});
          if (e.status >= 500) ctx.log.warn({ err }, 'V2 inference failed');
        }
      }
      return true;
    },
  };
}
