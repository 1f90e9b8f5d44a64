/**
 * The component API's view of a message: the payload `X` (nested arrays,
 * string, bytes or JSON) and back, keeping the request's representation.
 */
import { Buffer } from 'node:buffer';
import { SdepError } from '../core/sdep-error.js';
import type { DefaultData, SeldonMessage } from './seldon-message.js';
import { ndarrayToTensor, numericShape, tensorToNdarray } from './tensor-ndarray.js';

export type PayloadKind = 'ndarray' | 'tensor' | 'tftensor' | 'binData' | 'strData' | 'jsonData' | 'none';

export interface ExtractedPayload {
  /** Nested arrays for ndarray/tensor, the raw object for tftensor, bytes, string or JSON. */
  X: unknown;
  names: string[];
  kind: PayloadKind;
}

export function payloadKind(msg: SeldonMessage | undefined): PayloadKind {
  if (!msg) return 'none';
  if (msg.data) {
    if (msg.data.tensor) return 'tensor';
    if (msg.data.tftensor) return 'tftensor';
    return 'ndarray';
  }
  if (msg.binData !== undefined) return 'binData';
  if (msg.strData !== undefined) return 'strData';
  if (msg.jsonData !== undefined) return 'jsonData';
  return 'none';
}

export function extractPayload(msg: SeldonMessage): ExtractedPayload {
  const kind = payloadKind(msg);
  const names = msg.data?.names ?? [];
  switch (kind) {
    case 'tensor':
      return { X: tensorToNdarray(msg.data!.tensor!), names, kind };
    case 'tftensor':
      return { X: msg.data!.tftensor, names, kind };
    case 'ndarray':
      return { X: msg.data!.ndarray ?? [], names, kind };
    case 'binData':
      return { X: Buffer.from(msg.binData!, 'base64'), names, kind };
    case 'strData':
      return { X: msg.strData, names, kind };
    case 'jsonData':
      return { X: msg.jsonData, names, kind };
    default:
      return { X: [], names, kind };
  }
}

export interface BuildDataOptions {
  /** Use these names as they are (a transformer's feature names). */
  names?: string[];
  /** Column names for 2-D output (a model's class names); else `t:0`, `t:1`, ... */
  classNames?: string[];
}

type PayloadPart = Pick<SeldonMessage, 'data' | 'binData' | 'strData' | 'jsonData'>;

/**
 * Encodes a component's returned payload. Numeric arrays come back as a
 * tensor when the request was a tensor (or carried no `data`), else as an
 * ndarray; a jsonData request gets jsonData back whatever the payload.
 */
export function buildResponseData(
  request: SeldonMessage | undefined,
  payload: unknown,
  opts: BuildDataOptions = {},
): PayloadPart {
  if (request?.jsonData !== undefined) return { jsonData: payload ?? null };
  if (payload instanceof Uint8Array) return { binData: Buffer.from(payload).toString('base64') };
  if (typeof payload === 'string') return { strData: payload };
  if (payload === undefined || payload === null) payload = [];
  if (!Array.isArray(payload)) {
    if (typeof payload === 'object') return { jsonData: payload };
    throw new SdepError(
      'SDEP_BAD_COMPONENT_OUTPUT',
      `Unknown data type returned as payload (must be an array, string, bytes or object): ${String(payload)}`,
      { status: 500 },
    );
  }
  const data: DefaultData = {};
  const shape = numericShape(payload);
  const asTensor = shape !== undefined && (request?.data === undefined || request.data.tensor !== undefined);
  if (asTensor) data.tensor = ndarrayToTensor(payload, shape);
  else data.ndarray = payload;
  const names = opts.names ?? defaultNames(payload, opts.classNames);
  if (names.length > 0) return { data: { names, ...data } };
  return { data };
}

function defaultNames(payload: unknown[], classNames: string[] | undefined): string[] {
  const first = payload.at(0); // not payload[0]: see numericShape
  if (!Array.isArray(first)) return [];
  if (classNames) return classNames;
  return first.map((_, i) => `t:${i}`);
}
