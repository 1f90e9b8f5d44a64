/**
 * Text helpers for header fields shared by the request and response parsers.
 * Lowercasing names is memoised: names come in a few spellings
 * (Content-Type, content-type), and toLowerCase allocates each time. The
 * memo is bounded, so hostile peers cannot grow it.
 */
/** 1 for tchar (RFC 9110 §5.6.2), the characters of a field name; by char code below 128. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;

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
 * gateway's CPU went to that).
 */
export function fieldName(s: string, from: number, to: number): string {
  return knownName(s, from, to) ?? lowerName(s.slice(from, to));
}

/**
 * fieldName for a name that must be a token (RFC 9110 §5.6.2): undefined
 * when s[from, to) is empty or holds anything else. A common name matched
 * is a token already, so only the others are checked.
 */
export function tokenName(s: string, from: number, to: number): string | undefined {
  const known = knownName(s, from, to);
  if (known !== undefined) return known;
  if (to <= from) return undefined;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return undefined;
  }
  return lowerName(s.slice(from, to));
}

/**
 * The common name s[from, to) spells, or undefined. Letters match either
 * case; any other character (a '-', or a CR that must not pass for one)
 * must be exact.
 */
function knownName(s: string, from: number, to: number): string | undefined {
  const known = KNOWN[to - from];
  if (known === undefined) return undefined;
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
  return undefined;
}

/**
 * Whether the line s[from, end), whose colon is at `colon`, reads as we
 * write a field, as Envoy does: `name` (its lowercase name) as it stands,
 * one space, then `value` (the trimmed value) up to the line's end. Such a
 * line can be copied as it came.
 */
export function isWrittenForm(
  s: string,
  from: number,
  colon: number,
  end: number,
  name: string,
  value: string,
): boolean {
  return s.charCodeAt(colon + 1) === 32 && value.length === end - colon - 2 && s.startsWith(name, from);
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

/**
 * A CR, LF or NUL in s[from, to): one would split the head we write on
 * (response splitting). Read from the parser's flat head text, not from a
 * slice of it: charCodeAt on a slice is many times slower, and a regular
 * expression costs some 370 instructions a call even on a short value.
 */
export function hasSplittingChar(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c <= 13 && (c === 13 || c === 10 || c === 0)) return true;
  }
  return false;
}
