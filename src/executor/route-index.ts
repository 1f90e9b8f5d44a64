/** A router's reply carries the chosen child as the first value of its data (Seldon's convention). */
import type { SeldonMessage } from '../protocol/seldon-message.js';

// x.at(0), not x[0]: an indexed load that sees arrays of several kinds boxes a numeric array (tensor-ndarray.ts)
function firstScalar(x: unknown, depth = 0): unknown {
  if (Array.isArray(x)) return depth > 32 || x.length === 0 ? undefined : firstScalar(x.at(0), depth + 1);
  return x;
}

/** The integer child index in a route reply, or undefined when there is none. */
export function routeIndexOf(msg: SeldonMessage): number | undefined {
  const d = msg.data;
  let v: unknown;
  if (d?.tensor) v = d.tensor.values[0];
  else if (d?.ndarray) v = firstScalar(d.ndarray);
  else if (typeof msg.jsonData === 'number' || Array.isArray(msg.jsonData)) v = firstScalar(msg.jsonData);
  else if (typeof msg.strData === 'string' && msg.strData.trim() !== '') v = Number(msg.strData);
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A route reply in Seldon's shape: `{"data":{"ndarray":[[index]]}}`. */
export function routeReply(index: number): SeldonMessage {
  return { data: { names: [], ndarray: [[index]] } };
}
