/**
 * Guards run before schema checks so that no input — however deep, wide or
 * self-referencing (YAML anchors, objects built in code) — can blow the stack
 * or the time budget of the recursive checks that follow.
 */
export const MAX_DEPTH = 100;
export const MAX_NODES = 200_000;

export type ShapeProblem = { kind: 'depth' | 'size' } | undefined;

/** Iterative walk with a depth and node budget; shared references are visited each time, as JSON would. */
export function checkShape(doc: unknown): ShapeProblem {
  const stack: { v: unknown; d: number }[] = [{ v: doc, d: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (++nodes > MAX_NODES) return { kind: 'size' };
    if (d > MAX_DEPTH) return { kind: 'depth' };
    if (v !== null && typeof v === 'object') {
      const children = Array.isArray(v) ? v : Object.values(v);
      for (const c of children) if (c !== null && typeof c === 'object') stack.push({ v: c, d: d + 1 });
    }
  }
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
