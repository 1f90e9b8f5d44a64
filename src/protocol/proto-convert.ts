/**
 * Converts between the JSON SeldonMessage and the object form that
 * @grpc/proto-loader gives (google.protobuf.Value/ListValue/Struct spelled
 * out, enums as names, bytes as base64, options in SELDON_PROTO_OPTIONS).
 */
import { Buffer } from 'node:buffer';
import type { DefaultData, Feedback, Meta, Metric, SeldonMessage, Status } from './seldon-message.js';

export interface ProtoValue {
  nullValue?: 'NULL_VALUE' | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: ProtoListValue;
  kind?: string;
}
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}
export interface ProtoListValue {
  values?: ProtoValue[];
}

export interface ProtoSeldonMessage {
  status?: { code?: number; info?: string; reason?: string; status?: 'SUCCESS' | 'FAILURE' };
  meta?: {
    puid?: string;
    tags?: Record<string, ProtoValue>;
    routing?: Record<string, number>;
    requestPath?: Record<string, string>;
    metrics?: { key?: string; type?: Metric['type']; value?: number; tags?: Record<string, string> }[];
  };
  data?: { names?: string[]; tensor?: { shape?: number[]; values?: number[] }; ndarray?: ProtoListValue };
  binData?: string | Uint8Array;
  strData?: string;
  jsonData?: ProtoValue;
}

export interface ProtoFeedback {
  request?: ProtoSeldonMessage;
  response?: ProtoSeldonMessage;
  reward?: number;
  truth?: ProtoSeldonMessage;
}

export function toProtoValue(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: toProtoList(v) };
  if (typeof v === 'object') {
    const fields: Record<string, ProtoValue> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) fields[k] = toProtoValue(x);
    return { structValue: { fields } };
  }
  return { stringValue: String(v) };
}

export function toProtoList(list: unknown[]): ProtoListValue {
  return { values: list.map(toProtoValue) };
}

export function fromProtoValue(v: ProtoValue | undefined): unknown {
  if (!v) return null;
  if (v.numberValue !== undefined) return v.numberValue;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.listValue !== undefined) return fromProtoList(v.listValue);
  if (v.structValue !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v.structValue.fields ?? {})) out[k] = fromProtoValue(x);
    return out;
  }
  return null;
}

export function fromProtoList(l: ProtoListValue | undefined): unknown[] {
  return (l?.values ?? []).map(fromProtoValue);
}

function mapValues<A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v);
  return out;
}

export function toProtoMessage(msg: SeldonMessage): ProtoSeldonMessage {
  const out: ProtoSeldonMessage = {};
  if (msg.status) out.status = { ...msg.status };
  if (msg.meta) {
    const m = msg.meta;
    out.meta = {};
    if (m.puid !== undefined) out.meta.puid = m.puid;
    if (m.tags) out.meta.tags = mapValues(m.tags, toProtoValue);
    if (m.routing) out.meta.routing = { ...m.routing };
    if (m.requestPath) out.meta.requestPath = { ...m.requestPath };
    if (m.metrics) out.meta.metrics = m.metrics.map((x) => ({ ...x }));
  }
  if (msg.data) {
    const d: NonNullable<ProtoSeldonMessage['data']> = {};
    if (msg.data.names) d.names = [...msg.data.names];
    if (msg.data.tensor)
      d.tensor = { shape: [...msg.data.tensor.shape], values: [...msg.data.tensor.values] };
    else if (msg.data.ndarray) d.ndarray = toProtoList(msg.data.ndarray);
    out.data = d;
  }
  if (msg.binData !== undefined) out.binData = msg.binData;
  if (msg.strData !== undefined) out.strData = msg.strData;
  if (msg.jsonData !== undefined) out.jsonData = toProtoValue(msg.jsonData);
  return out;
}

/** proto3 omits zero values: enums and numbers at their zero come back absent, so default them here. */
export function fromProtoMessage(p: ProtoSeldonMessage): SeldonMessage {
  const out: SeldonMessage = {};
  if (p.status) {
    const s: Status = {
      code: p.status.code ?? 0,
      info: p.status.info ?? '',
      reason: p.status.reason ?? '',
      status: p.status.status ?? 'SUCCESS',
    };
    out.status = s;
  }
  if (p.meta) {
    const m: Meta = {};
    if (p.meta.puid) m.puid = p.meta.puid;
    if (p.meta.tags && Object.keys(p.meta.tags).length > 0) m.tags = mapValues(p.meta.tags, fromProtoValue);
    if (p.meta.routing && Object.keys(p.meta.routing).length > 0) m.routing = { ...p.meta.routing };
    if (p.meta.requestPath && Object.keys(p.meta.requestPath).length > 0)
      m.requestPath = { ...p.meta.requestPath };
    if (p.meta.metrics && p.meta.metrics.length > 0) {
      m.metrics = p.meta.metrics.map((x) => {
        const metric: Metric = { key: x.key ?? '', type: x.type ?? 'COUNTER', value: x.value ?? 0 };
        if (x.tags && Object.keys(x.tags).length > 0) metric.tags = { ...x.tags };
        return metric;
      });
    }
    out.meta = m;
  }
  if (p.data) {
    const d: DefaultData = {};
    if (p.data.names && p.data.names.length > 0) d.names = [...p.data.names];
    if (p.data.tensor)
      d.tensor = { shape: [...(p.data.tensor.shape ?? [])], values: [...(p.data.tensor.values ?? [])] };
    else d.ndarray = fromProtoList(p.data.ndarray);
    out.data = d;
  }
  if (p.binData !== undefined) {
    out.binData = typeof p.binData === 'string' ? p.binData : Buffer.from(p.binData).toString('base64');
  }
  if (p.strData !== undefined) out.strData = p.strData;
  if (p.jsonData !== undefined) out.jsonData = fromProtoValue(p.jsonData);
  return out;
}

export function toProtoFeedback(fb: Feedback): ProtoFeedback {
  const out: ProtoFeedback = {};
  if (fb.request) out.request = toProtoMessage(fb.request);
  if (fb.response) out.response = toProtoMessage(fb.response);
  if (fb.truth) out.truth = toProtoMessage(fb.truth);
  if (fb.reward !== undefined) out.reward = fb.reward;
  return out;
}

export function fromProtoFeedback(p: ProtoFeedback): Feedback {
  const out: Feedback = {};
  if (p.request) out.request = fromProtoMessage(p.request);
  if (p.response) out.response = fromProtoMessage(p.response);
  if (p.truth) out.truth = fromProtoMessage(p.truth);
  out.reward = p.reward ?? 0;
  return out;
}
