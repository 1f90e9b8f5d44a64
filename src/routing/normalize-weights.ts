/**
 * Emissary's weight normalisation for one group (non-shadow Mappings, given
 * in name order): weighted ones first, each taking its weight cumulatively;
 * unweighted ones split the remainder (round half to even); the last is
 * pinned to 100. A lone weighted Mapping gets 100 (Emissary >= 2.1.2).
 * Cumulative values are clamped at 100: Envoy picks the first route whose
 * cumulative share exceeds the draw, so an overshoot past 100 (rounding)
 * picks exactly what the clamped value picks.
 */
import { roundHalfEven } from './round-half-even.js';

export interface WeightInput {
  name: string;
  weight?: number;
}

export type NormalizedWeights =
  | { ok: true; order: string[]; cumulative: number[]; unroutedPercent: number }
  | { ok: false; reason: 'invalid'; name: string; weight: unknown }
  | { ok: false; reason: 'sum'; total: number };

export function isValidWeight(w: unknown): w is number {
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 && w <= 100;
}

export function normalizeWeights(items: readonly WeightInput[]): NormalizedWeights {
  const order: string[] = [];
  const raw: number[] = [];
  const unweighted: string[] = [];
  let current = 0;
  for (const item of items) {
    if (item.weight === undefined) {
      unweighted.push(item.name);
      continue;
    }
    if (!isValidWeight(item.weight))
      return { ok: false, reason: 'invalid', name: item.name, weight: item.weight };
    current += roundHalfEven(item.weight);
    order.push(item.name);
    raw.push(current);
  }
  if (current > 100) return { ok: false, reason: 'sum', total: current };
  if (unweighted.length > 0) {
    const each = roundHalfEven((100 - current) / unweighted.length);
    for (const name of unweighted) {
      current += each;
      order.push(name);
      raw.push(current);
    }
    raw[raw.length - 1] = 100;
  } else if (raw.length === 1) {
    raw[0] = 100;
  }
  const cumulative = raw.map((c) => Math.min(c, 100));
  const last = cumulative.length > 0 ? cumulative[cumulative.length - 1]! : 0;
  return { ok: true, order, cumulative, unroutedPercent: 100 - last };
}

/** Each target's effective share of [0, 100) under first-match-by-draw. */
export function sharesOf(cumulative: readonly number[]): number[] {
  let prev = 0;
  return cumulative.map((c) => {
    const share = Math.max(0, c - prev);
    prev = Math.max(prev, c);
    return share;
  });
}
