/**
 * Lowercasing header names, memoised: names come in a few spellings
 * (Content-Type, content-type), and toLowerCase allocates each time. The
 * memo is bounded, so hostile peers cannot grow it.
 */
const LOWER = new Map<string, string>();
const MAX_ENTRIES = 512;

export function lowerName(raw: string): string {
  let lower = LOWER.get(raw);
  if (lower === undefined) {
    lower = raw.toLowerCase();
    if (LOWER.size < MAX_ENTRIES) LOWER.set(raw, lower);
  }
  return lower;
}
