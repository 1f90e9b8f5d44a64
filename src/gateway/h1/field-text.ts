/**
 * Text helpers for header fields shared by the request and response parsers.
 * Lowercasing names is memoised: names come in a few spellings
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

/** s[from, to) without leading and trailing SP / HTAB (only those: RFC 9110 OWS). */
export function trimOws(s: string, from: number, to: number): string {
  let a = from;
  let b = to;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return s.slice(a, b);
}

/** A non-negative decimal of at most 15 digits (a content-length), or -1. */
export function digits(s: string): number {
  if (s.length === 0 || s.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
