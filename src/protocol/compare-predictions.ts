/**
 * Do two prediction responses say the same thing? The shadow comparison:
 * the main predictor's answer against the shadow's for the same request.
 * Pure. Reads SeldonMessage JSON (`data.tensor`, `data.ndarray`, `strData`,
 * `jsonData`) and V2 inference responses (`outputs[].data`).
 *
 * - `agree`: same shape, every value within tolerance
 *   (|a − b| ≤ abs + rel·max(|a|, |b|)), or equal strings / JSON.
 * - `agree_argmax`: values differ beyond tolerance but every row picks the
 *   same class (argmax of the last axis; a single column is read as a binary
 *   probability, class = value ≥ 0.5).
 * - `disagree`: otherwise.
 * - `incomparable`: not JSON, no prediction in it, or numeric vs not.
 */

export type PredictionAgreement = 'agree' | 'agree_argmax' | 'disagree' | 'incomparable';

export interface Tolerance {
  abs: number;
  rel: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { abs: 1e-6, rel: 1e-3 };

/** A prediction reduced to something comparable. */
type Prediction =
  | { kind: 'numeric'; shape: number[]; values: number[] }
  | { kind: 'other'; value: unknown }
  | { kind: 'none' };

function flatten(x: unknown, shape: number[], out: number[], depth: number): boolean {
  if (Array.isArray(x)) {
    if (shape.length === depth) shape.push(x.length);
    else if (shape[depth] !== x.length) return false;
    for (const v of x) if (!flatten(v, shape, out, depth + 1)) return false;
    return true;
  }
  if (typeof x !== 'number' || shape.length !== depth) return false;
  out.push(x);
  return true;
}

function numeric(values: unknown, shape: unknown): Prediction | undefined {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) return undefined;
  const s =
    Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0)
      ? (shape as number[])
      : [values.length];
  if (s.reduce((a, b) => a * b, 1) !== values.length) return undefined;
  return { kind: 'numeric', shape: [...s], values: values as number[] };
}

function ndarray(x: unknown): Prediction | undefined {
  const shape: number[] = [];
  const values: number[] = [];
  if (!flatten(x, shape, values, 0)) return undefined;
  return { kind: 'numeric', shape, values };
}

/** The prediction in a response body (already parsed JSON). */
export function predictionOf(body: unknown): Prediction {
  if (typeof body !== 'object' || body === null) return { kind: 'none' };
  const msg = body as Record<string, unknown>;
  const data = msg.data as Record<string, unknown> | undefined;
  if (typeof data === 'object' && data !== null) {
    const tensor = data.tensor as { values?: unknown; shape?: unknown } | undefined;
    if (tensor && typeof tensor === 'object') return numeric(tensor.values, tensor.shape) ?? { kind: 'none' };
    if (data.ndarray !== undefined) return ndarray(data.ndarray) ?? { kind: 'other', value: data.ndarray };
    return { kind: 'none' };
  }
  if (msg.strData !== undefined) return { kind: 'other', value: msg.strData };
  if (msg.jsonData !== undefined) return { kind: 'other', value: msg.jsonData };
  if (msg.binData !== undefined) return { kind: 'other', value: msg.binData };
  const outputs = msg.outputs;
  if (Array.isArray(outputs) && outputs.length > 0) {
    // V2: all outputs, concatenated in order (usually one).
    const shape: number[] = [];
    const values: number[] = [];
    for (const o of outputs as { data?: unknown; shape?: unknown }[]) {
      const p = numeric(o?.data, o?.shape);
      if (p?.kind !== 'numeric') return { kind: 'other', value: outputs };
      if (outputs.length === 1) shape.push(...p.shape);
      values.push(...p.values);
    }
    return { kind: 'numeric', shape: shape.length ? shape : [values.length], values };
  }
  return { kind: 'none' };
}

function close(a: number, b: number, tol: Tolerance): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tol.abs + tol.rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Class per row: argmax over the last axis; one column = binary probability. */
function classes(p: { shape: number[]; values: number[] }): number[] {
  const cols = p.shape.length === 0 ? 1 : p.shape[p.shape.length - 1]!;
  if (cols === 0) return [];
  const out: number[] = [];
  for (let i = 0; i + cols <= p.values.length; i += cols) {
    if (cols === 1) {
      out.push(p.values[i]! >= 0.5 ? 1 : 0);
      continue;
    }
    let best = 0;
    for (let j = 1; j < cols; j++) if (p.values[i + j]! > p.values[i + best]!) best = j;
    out.push(best);
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function comparePredictions(
  main: unknown,
  shadow: unknown,
  tol: Tolerance = DEFAULT_TOLERANCE,
): PredictionAgreement {
  const a = predictionOf(main);
  const b = predictionOf(shadow);
  if (a.kind === 'none' || b.kind === 'none') return 'incomparable';
  if (a.kind === 'other' || b.kind === 'other') {
    if (a.kind !== b.kind) return 'incomparable';
    return sameJson((a as { value: unknown }).value, (b as { value: unknown }).value) ? 'agree' : 'disagree';
  }
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return 'disagree';
  let allClose = true;
  for (let i = 0; i < a.values.length; i++) {
    if (!close(a.values[i]!, b.values[i]!, tol)) {
      allClose = false;
      break;
    }
  }
  if (allClose) return 'agree';
  const ca = classes(a);
  const cb = classes(b);
  return ca.length > 0 && ca.every((c, i) => c === cb[i]) ? 'agree_argmax' : 'disagree';
}

/** Parses both bodies as JSON first; a body that is not JSON is `incomparable`. */
export function compareResponseBodies(
  main: string,
  shadow: string,
  tol: Tolerance = DEFAULT_TOLERANCE,
): PredictionAgreement {
  let a: unknown;
  let b: unknown;
  try {
    a = JSON.parse(main);
    b = JSON.parse(shadow);
  } catch {
    return 'incomparable';
  }
  return comparePredictions(a, b, tol);
}
