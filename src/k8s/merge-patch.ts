/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: keys that
 * disappeared become null, objects recurse, everything else is replaced.
 * Used for status writes, so a description that no longer applies is
 * removed rather than left behind. Pure.
 */
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergePatch(from: unknown, to: unknown): unknown {
  if (!isObj(from) || !isObj(to)) return to;
  const out: Obj = {};
  for (const k of Object.keys(from)) if (!(k in to) || to[k] === undefined) out[k] = null;
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    out[k] = isObj(v) && isObj(from[k]) ? mergePatch(from[k], v) : v;
  }
  return out;
}
