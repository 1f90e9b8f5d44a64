/**
 * Decodes and validates V2 inference requests, and converts V2 tensors to
 * and from sdep's internal SeldonMessage tensors.
 */
import { badRequest } from '../bad-request.js';
import { toSdepError } from '../seldon-error.js';
import type { SeldonMessage, Tensor } from '../seldon-message.js';
import { ndarrayToTensor, shapeProduct } from '../tensor-ndarray.js';
import {
  V2_DATATYPES,
  type V2Datatype,
  type V2ErrorBody,
  type V2InferenceRequest,
  type V2InferenceResponse,
  type V2Scalar,
  type V2Tensor,
} from './v2-types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (field: string, reason: string) => badRequest('SDEP_BAD_V2_REQUEST', field, reason);

const INT_RANGE: Partial<Record<V2Datatype, [number, number]>> = {
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function checkScalar(datatype: V2Datatype, v: unknown): boolean {
  switch (datatype) {
    case 'BOOL':
      return typeof v === 'boolean';
    case 'BYTES':
      return typeof v === 'string';
    case 'FP32':
    case 'FP64':
      return typeof v === 'number';
    default: {
      const [lo, hi] = INT_RANGE[datatype]!;
      return Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
    }
  }
}

export function decodeV2Tensor(t: unknown, field: string): V2Tensor {
  if (!isObject(t)) throw bad(field, 'must be an object {name, shape, datatype, data}');
  if (typeof t.name !== 'string' || t.name === '') throw bad(`${field}.name`, 'must be a non-empty string');
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw bad(`${field}.shape`, 'must be an array of non-negative integers');
  }
  if (typeof t.datatype !== 'string' || !(V2_DATATYPES as readonly string[]).includes(t.datatype)) {
    throw bad(
      `${field}.datatype`,
      `must be one of ${V2_DATATYPES.join(', ')}, got ${JSON.stringify(t.datatype)}`,
    );
  }
  const datatype = t.datatype as V2Datatype;
  if (!Array.isArray(t.data)) throw bad(`${field}.data`, 'must be an array');
  const data = (t.data as unknown[]).flat(Number.POSITIVE_INFINITY);
  const i = data.findIndex((v) => !checkScalar(datatype, v));
  if (i >= 0) throw bad(`${field}.data[${i}]`, `${JSON.stringify(data[i])} is not a valid ${datatype} value`);
  const shape = t.shape as number[];
  const want = shapeProduct(shape);
  if (data.length !== want) {
    throw bad(`${field}.data`, `has ${data.length} elements but shape [${shape.join(',')}] needs ${want}`);
  }
  const out: V2Tensor = { name: t.name, shape, datatype, data: data as V2Scalar[] };
  if (t.parameters !== undefined) {
    if (!isObject(t.parameters)) throw bad(`${field}.parameters`, 'must be an object');
    out.parameters = t.parameters;
  }
  return out;
}

export function decodeV2Request(body: unknown): V2InferenceRequest {
  if (!isObject(body)) throw bad('', 'the request body must be a JSON object with inputs');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0)
    throw bad('inputs', 'must be a non-empty array');
  const req: V2InferenceRequest = { inputs: body.inputs.map((t, i) => decodeV2Tensor(t, `inputs[${i}]`)) };
  if (body.id !== undefined) {
    if (typeof body.id !== 'string') throw bad('id', 'must be a string');
    req.id = body.id;
  }
  if (body.parameters !== undefined) {
    if (!isObject(body.parameters)) throw bad('parameters', 'must be an object');
    req.parameters = body.parameters;
  }
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw bad('outputs', 'must be an array');
    req.outputs = body.outputs.map((o, i) => {
      if (!isObject(o) || typeof o.name !== 'string') throw bad(`outputs[${i}].name`, 'must be a string');
      return o.parameters === undefined
        ? { name: o.name }
        : { name: o.name, parameters: o.parameters as Obj };
    });
  }
  return req;
}

/** A numeric V2 tensor as an internal tensor (BOOL as 0/1); BYTES has no numeric form. */
export function v2TensorToTensor(t: V2Tensor): Tensor {
  if (t.datatype === 'BYTES') throw bad(t.name, 'BYTES inputs cannot be used as a numeric tensor');
  return {
    shape: [...t.shape],
    values: t.data.map((v) => (typeof v === 'boolean' ? Number(v) : (v as number))),
  };
}

export function tensorToV2Tensor(name: string, t: Tensor, datatype: V2Datatype = 'FP64'): V2Tensor {
  const data = datatype === 'BOOL' ? t.values.map((v) => v !== 0) : [...t.values];
  return { name, shape: [...t.shape], datatype, data };
}

/** The first input as a SeldonMessage tensor, for Seldon-protocol components behind a V2 endpoint. */
export function v2RequestToSeldonMessage(req: V2InferenceRequest): SeldonMessage {
  const first = req.inputs[0]!;
  if (first.datatype === 'BYTES') {
    return { strData: first.data.length === 1 ? String(first.data[0]) : JSON.stringify(first.data) };
  }
  return { data: { tensor: v2TensorToTensor(first) } };
}

export interface V2ResponseOptions {
  modelName: string;
  modelVersion?: string;
  id?: string;
  /** Datatype for numeric outputs (default FP64, or the first input's float type when given). */
  datatype?: V2Datatype;
}

/** A component's SeldonMessage response as a V2 response with one output, named after data.names when single. */
export function seldonMessageToV2Response(msg: SeldonMessage, opts: V2ResponseOptions): V2InferenceResponse {
  const names = msg.data?.names ?? [];
  const name = names.length === 1 ? names[0]! : 'output-0';
  let output: V2Tensor;
  const tensor = msg.data?.tensor ?? (msg.data?.ndarray ? ndarrayToTensor(msg.data.ndarray) : undefined);
  if (tensor) output = tensorToV2Tensor(name, tensor, opts.datatype ?? 'FP64');
  else if (msg.strData !== undefined) output = { name, shape: [1], datatype: 'BYTES', data: [msg.strData] };
  else {
    const json = msg.jsonData ?? msg.data?.ndarray ?? null;
    output = { name, shape: [1], datatype: 'BYTES', data: [JSON.stringify(json)] };
  }
  const res: V2InferenceResponse = { model_name: opts.modelName, outputs: [output] };
  if (opts.modelVersion !== undefined) res.model_version = opts.modelVersion;
  if (opts.id !== undefined) res.id = opts.id;
  return res;
}

/** V2 error replies are `{"error": "..."}` with the error's HTTP status. */
export function v2Error(err: unknown): { status: number; body: V2ErrorBody } {
  const e = toSdepError(err);
  return { status: e.status, body: { error: e.message } };
}
