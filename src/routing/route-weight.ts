/**
 * Emissary's route weight: groups are sorted by it, descending, first match
 * wins. [precedence, prefix length, header text length, query text length,
 * prefix, method, ...sorted "name-value" header strings]. Header text length
 * sums name + value lengths (+1 for a regex match), with host counted as the
 * `:authority` header and method as `:method`.
 */
export type RouteWeight = readonly (number | string)[];

export interface KeyValueMatch {
  name: string;
  /** undefined = presence match. */
  value?: string;
  regex: boolean;
}

function textLength(kvs: readonly KeyValueMatch[]): number {
  let n = 0;
  for (const kv of kvs) n += kv.name.length + (kv.value?.length ?? 0) + (kv.regex ? 1 : 0);
  return n;
}

export function routeWeight(m: {
  precedence: number;
  prefix: string;
  method?: string;
  headers: readonly KeyValueMatch[];
  query: readonly KeyValueMatch[];
}): RouteWeight {
  const headerStrings = m.headers.map((h) => `${h.name}-${h.value ?? 'true'}`).sort();
  return [
    m.precedence,
    m.prefix.length,
    textLength(m.headers),
    textLength(m.query),
    m.prefix,
    m.method ?? 'GET',
    ...headerStrings,
  ];
}

/** Python list ordering (element-wise, shorter prefix first); returns <0, 0, >0. */
export function compareWeights(a: RouteWeight, b: RouteWeight): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Stable sort, highest weight first (Python `sorted(..., reverse=True)` keeps ties in input order). */
export function orderByWeight<T>(items: readonly T[], weightOf: (t: T) => RouteWeight): T[] {
  return items
    .map((item, index) => ({ item, index, w: weightOf(item) }))
    .sort((a, b) => compareWeights(b.w, a.w) || a.index - b.index)
    .map((e) => e.item);
}
