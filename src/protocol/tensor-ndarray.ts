/**
 * Conversions between Seldon's two numeric representations: `tensor`
 * ({shape, values} flat, row-major) and `ndarray` (nested arrays).
 */
import type { NdArray, Tensor } from './seldon-message.js';

export function shapeProduct(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Nests flat row-major `values` into arrays of `shape`; shape [] gives the lone scalar. */
export function reshape<T>(values: readonly T[], shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  let level: unknown[] = values.slice();
  for (let axis = shape.length - 1; axis >= 1; axis--) {
    const size = shape[axis] ?? 0;
    const next: unknown[] = [];
    if (size === 0) {
      // A zero-sized axis still yields the outer rows, as empty arrays.
      const outer = shapeProduct(shape.slice(0, axis));
      for (let i = 0; i < outer; i++) next.push([]);
    } else {
      for (let i = 0; i < level.length; i += size) next.push(level.slice(i, i + size));
    }
    level = next;
  }
  return level;
}

export function tensorToNdarray(t: Tensor): NdArray {
  const nested = reshape(t.values, t.shape);
  return Array.isArray(nested) ? nested : [nested];
}

/**
 * The shape of a rectangular nested array whose leaves are all numbers, or
 * undefined when ragged or holding non-numbers (then it can only be an ndarray).
 */
export function numericShape(nd: unknown): number[] | undefined {
  if (!Array.isArray(nd)) return typeof nd === 'number' ? [] : undefined;
  const shape: number[] = [];
  let probe: unknown = nd;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    // Not probe[0]: an indexed load that has seen both arrays of arrays and arrays of doubles
    // turns the doubles' array into boxed numbers (V8 generalises its elements kind), which
    // cost 40 µs for a 5 000-value row and slowed every later pass over it.
    probe = probe.at(0);
  }
  return checkRect(nd, shape, 0) ? shape : undefined;
}

function checkRect(node: unknown, shape: number[], depth: number): boolean {
  if (!Array.isArray(node) || node.length !== shape[depth]) return false;
  if (depth === shape.length - 1) {
    // the innermost axis in one loop: a call per number cost 20 ns of a 10 000-value request's 200 µs check
    for (let i = 0; i < node.length; i++) if (typeof node[i] !== 'number') return false;
    return true;
  }
  for (const child of node) if (!checkRect(child, shape, depth + 1)) return false;
  return true;
}

/** Flattens a rectangular numeric nested array; undefined when it is not one (`shape`: its numericShape, when known). */
export function ndarrayToTensor(nd: unknown, shape = numericShape(nd)): Tensor | undefined {
  if (!shape) return undefined;
  // rectangular and numeric, so flattening all but the last axis gives every value in row-major order
  const values = (nd as unknown[]).flat(shape.length - 1) as number[];
  return { shape, values };
}
