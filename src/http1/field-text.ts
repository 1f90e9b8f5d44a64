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

/** Common field names, lowercase, by length: matched where they lie in the head. */
const KNOWN: string[][] = [];
for (const n of [
  'te',
  'host',
  'date',
  'etag',
  'vary',
  'accept',
  'cookie',
  'expect',
  'server',
  'origin',
  'upgrade',
  'connection',
  'keep-alive',
  'set-cookie',
  'user-agent',
  'content-type',
  'x-request-id',
  'authorization',
  'cache-control',
  'content-length',
  'accept-encoding',
  'x-forwarded-for',
  'proxy-connection',
  'transfer-encoding',
  'x-forwarded-proto',
]) {
  if (KNOWN[n.length] === undefined) KNOWN[n.length] = [];
  KNOWN[n.length]!.push(n);
}

/**
 * The lowercase name of the field s[from, to). A common name comes back as
 * our constant without slicing the head or hashing the slice (2 % of the
 * gateway's CPU went to that). Letters match either case; any other
 * character (a '-', or a CR that must not pass for one) must be exact.
 */
export function fieldName(s: string, from: number, to: number): string {
  const known = KNOWN[to - from];
  if (known !== undefined) {
    for (let k = 0; k < known.length; k++) {
      const name = known[k]!;
      let i = 0;
      for (; i < name.length; i++) {
        const want = name.charCodeAt(i);
        const c = s.charCodeAt(from + i);
        if (c !== want && (want < 97 || c !== want - 32)) break;
      }
      if (i === name.length) return name;
    }
  }
  return lowerName(s.slice(from, to));
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
