/**
 * Validates a parsed JSON body as a SeldonMessage (and Feedback, message
 * lists). Every rejection is a 400 SdepError naming the field.
 */
import { badRequest } from './bad-request.js';
import type { Feedback, Meta, Metric, SeldonMessage } from './seldon-message.js';
import { shapeProduct } from './tensor-ndarray.js';

const PAYLOAD_KEYS = ['data', 'binData', 'strData', 'jsonData'] as const;
const METRIC_TYPES = new Set(['COUNTER', 'GAUGE', 'TIMER']);

export interface DecodeOptions {
  /** Feedback's request/response/truth may carry meta only. Default true. */
  requirePayload?: boolean;
  /** Prefix for field paths in messages, e.g. `response.` inside a Feedback. */
  path?: string;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(path: string, reason: string) {
  return badRequest('SDEP_BAD_SELDON_MESSAGE', path, reason);
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

export function decodeSeldonMessage(body: unknown, opts: DecodeOptions = {}): SeldonMessage {
  const p = opts.path ?? '';
  if (!isObject(body)) {
    throw bad(p.replace(/\.$/, ''), `Invalid request data type: ${preview(body)}: expected a JSON object`);
  }
  const present = PAYLOAD_KEYS.filter((k) => body[k] !== undefined);
  if (present.length > 1) {
    throw bad(
      p.replace(/\.$/, ''),
      `only one of data, binData, strData, jsonData may be set (got ${present.join(', ')})`,
    );
  }
  if (present.length === 0 && opts.requirePayload !== false) {
    throw bad(
      p.replace(/\.$/, ''),
      `Invalid request data type: ${preview(body)}: expected one of data, binData, strData, jsonData`,
    );
  }
  const msg: SeldonMessage = {};
  if (body.status !== undefined) {
    if (!isObject(body.status)) throw bad(`${p}status`, 'must be an object');
    msg.status = body.status as unknown as SeldonMessage['status'];
  }
  if (body.meta !== undefined) msg.meta = decodeMeta(body.meta, `${p}meta`);
  if (body.data !== undefined) msg.data = decodeData(body.data, `${p}data`);
  if (body.binData !== undefined) {
    if (typeof body.binData !== 'string') throw bad(`${p}binData`, 'must be a base64 string');
    msg.binData = body.binData;
  }
  if (body.strData !== undefined) {
    if (typeof body.strData !== 'string') throw bad(`${p}strData`, 'must be a string');
    msg.strData = body.strData;
  }
  if (body.jsonData !== undefined) msg.jsonData = body.jsonData;
  return msg;
}

function decodeData(data: unknown, p: string): NonNullable<SeldonMessage['data']> {
  if (!isObject(data)) throw bad(p, 'must be an object with one of ndarray, tensor, tftensor');
  const out: NonNullable<SeldonMessage['data']> = {};
  if (data.names !== undefined) {
    if (!Array.isArray(data.names) || !data.names.every((n) => typeof n === 'string')) {
      throw bad(`${p}.names`, 'must be an array of strings');
    }
    out.names = data.names as string[];
  }
  const kinds = (['ndarray', 'tensor', 'tftensor'] as const).filter((k) => data[k] !== undefined);
  if (kinds.length !== 1) {
    throw bad(
      p,
      kinds.length === 0
        ? 'must hold one of ndarray, tensor, tftensor'
        : `only one of ndarray, tensor, tftensor may be set (got ${kinds.join(', ')})`,
    );
  }
  if (data.ndarray !== undefined) {
    if (!Array.isArray(data.ndarray)) throw bad(`${p}.ndarray`, 'must be an array');
    out.ndarray = data.ndarray;
  }
  if (data.tensor !== undefined) out.tensor = decodeTensor(data.tensor, `${p}.tensor`);
  if (data.tftensor !== undefined) {
    if (!isObject(data.tftensor)) throw bad(`${p}.tftensor`, 'must be an object');
    out.tftensor = data.tftensor;
  }
  return out;
}

function decodeTensor(t: unknown, p: string) {
  if (!isObject(t)) throw bad(p, 'must be an object {shape, values}');
  const { shape, values } = t;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw bad(`${p}.shape`, 'must be an array of non-negative integers');
  }
  if (!Array.isArray(values)) throw bad(`${p}.values`, 'must be an array of numbers');
  const bad_i = values.findIndex((v) => typeof v !== 'number');
  if (bad_i >= 0) throw bad(`${p}.values[${bad_i}]`, `must be a number, got ${preview(values[bad_i])}`);
  const want = shapeProduct(shape as number[]);
  if (values.length !== want) {
    throw bad(
      `${p}.values`,
      `has ${values.length} values but shape [${shape.join(',')}] needs ${want} (the product of the shape)`,
    );
  }
  return { shape: shape as number[], values: values as number[] };
}

function decodeMeta(meta: unknown, p: string): Meta {
  if (!isObject(meta)) throw bad(p, 'must be an object');
  const out: Meta = {};
  if (meta.puid !== undefined) {
    if (typeof meta.puid !== 'string') throw bad(`${p}.puid`, 'must be a string');
    out.puid = meta.puid;
  }
  if (meta.tags !== undefined) {
    if (!isObject(meta.tags)) throw bad(`${p}.tags`, 'must be an object');
    out.tags = meta.tags;
  }
  if (meta.routing !== undefined) {
    if (!isObject(meta.routing)) throw bad(`${p}.routing`, 'must be an object of integers');
    for (const [k, v] of Object.entries(meta.routing)) {
      if (!Number.isInteger(v)) throw bad(`${p}.routing.${k}`, 'must be an integer');
    }
    out.routing = meta.routing as Record<string, number>;
  }
  if (meta.requestPath !== undefined) {
    if (!isObject(meta.requestPath)) throw bad(`${p}.requestPath`, 'must be an object of strings');
    for (const [k, v] of Object.entries(meta.requestPath)) {
      if (typeof v !== 'string') throw bad(`${p}.requestPath.${k}`, 'must be a string');
    }
    out.requestPath = meta.requestPath as Record<string, string>;
  }
  if (meta.metrics !== undefined) {
    if (!Array.isArray(meta.metrics)) throw bad(`${p}.metrics`, 'must be an array');
    out.metrics = meta.metrics.map((m, i) => decodeMetric(m, `${p}.metrics[${i}]`));
  }
  return out;
}

function decodeMetric(m: unknown, p: string): Metric {
  if (!isObject(m)) throw bad(p, 'must be an object {key, type, value}');
  if (typeof m.key !== 'string' || m.key === '') throw bad(`${p}.key`, 'must be a non-empty string');
  if (typeof m.type !== 'string' || !METRIC_TYPES.has(m.type)) {
    throw bad(`${p}.type`, 'must be COUNTER, GAUGE or TIMER');
  }
  if (typeof m.value !== 'number') throw bad(`${p}.value`, 'must be a number');
  const out: Metric = { key: m.key, type: m.type as Metric['type'], value: m.value };
  if (m.tags !== undefined) {
    if (!isObject(m.tags)) throw bad(`${p}.tags`, 'must be an object of strings');
    out.tags = m.tags as Record<string, string>;
  }
  return out;
}

export function decodeFeedback(body: unknown): Feedback {
  if (!isObject(body)) {
    throw badRequest('SDEP_BAD_FEEDBACK', '', `Invalid feedback: ${preview(body)}: expected a JSON object`);
  }
  const fb: Feedback = {};
  for (const part of ['request', 'response', 'truth'] as const) {
    if (body[part] !== undefined) {
      fb[part] = decodeSeldonMessage(body[part], { requirePayload: false, path: `${part}.` });
    }
  }
  if (body.reward !== undefined && body.reward !== null) {
    if (typeof body.reward !== 'number') throw badRequest('SDEP_BAD_FEEDBACK', 'reward', 'must be a number');
    fb.reward = body.reward;
  }
  return fb;
}

/** A combiner's input: a JSON array of messages, or `{seldonMessages: [...]}` as the wrapper also accepts. */
export function decodeSeldonMessageList(body: unknown): SeldonMessage[] {
  const list = isObject(body) ? body.seldonMessages : body;
  if (!Array.isArray(list)) {
    throw bad('', 'expected a JSON array of SeldonMessages or {"seldonMessages": [...]}');
  }
  return list.map((m, i) => decodeSeldonMessage(m, { path: `[${i}].` }));
}
