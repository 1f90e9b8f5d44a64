/**
 * Field lines for the request and response parsers, read from the head's
 * bytes; only names and values are taken from its text. Lowercasing names
 * is memoised: names come in a few spellings
 * (Content-Type, content-type), and toLowerCase allocates each time. The
 * memo is bounded, so hostile peers cannot grow it.
 */
import { Buffer } from 'node:buffer';

/** 1 for tchar (RFC 9110 §5.6.2), the characters of a field name; by byte (256: any byte indexes it). */
const TCHAR = new Uint8Array(256);
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

/**
 * Words (field names, methods) by length, each with its byte codes, to be
 * matched where they lie in a head (charCodeAt on the word would cost
 * several times more per character).
 */
export type WordTable = readonly (readonly { word: string; codes: Uint8Array }[] | undefined)[];

export function wordTable(words: Iterable<string>): WordTable {
  const table: { word: string; codes: Uint8Array }[][] = [];
  for (const w of words) {
    if (table[w.length] === undefined) table[w.length] = [];
    table[w.length]!.push({ word: w, codes: Buffer.from(w, 'latin1') });
  }
  return table;
}

/**
 * The word of `table` that bytes[from, to) spells, or undefined. With
 * `foldCase` (the words lowercase), letters match either case; any other
 * byte (a '-', or a CR that must not pass for one) must be exact.
 */
export function matchWord(
  table: WordTable,
  bytes: Uint8Array,
  from: number,
  to: number,
  foldCase: boolean,
): string | undefined {
  const length = to - from;
  const words = table[length];
  if (words === undefined) return undefined;
  for (let k = 0; k < words.length; k++) {
    const codes = words[k]!.codes;
    let i = 0;
    for (; i < length; i++) {
      const want = codes[i]!;
      const c = bytes[from + i]!;
      if (c !== want && (!foldCase || want < 97 || c !== want - 32)) break;
    }
    if (i === length) return words[k]!.word;
  }
  return undefined;
}

/** Common field names, lowercase. */
const KNOWN = wordTable([
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
]);

/** What scanField read of a line besides its end. */
export interface ScannedField {
  /** Where its colon is. */
  colon: number;
  /** Its name has an uppercase letter (so it is not written as we write it). */
  upper: boolean;
  /** Its value without leading and trailing SP / HTAB (RFC 9110 OWS): [valueStart, valueEnd). */
  valueStart: number;
  valueEnd: number;
}

/** scanField's answers for a malformed line, and for one that does not end within `limit`. */
export const BAD_NAME = -1;
export const BAD_VALUE = -2;
export const NEED_MORE = -3;

/**
 * Reads the field line starting at `pos` of a head's bytes, of which those
 * before `limit` are there to read (a head parsed where it lies in a read
 * buffer: what follows `limit` is stale). The name must be one token
 * (RFC 9110 §5.6.2) right up to the colon: a lone CR or LF in one would
 * split the head we write on. The value may hold no CR, LF or NUL (the
 * same), and with `strict` no other control character but HTAB, nor DEL.
 * Returns the index of the line's CR, which a LF follows, with the rest in
 * `out`; or BAD_NAME / BAD_VALUE; or NEED_MORE when the line's CRLF is not
 * before `limit`. One pass over the bytes: indexOf on the head's text and
 * charCodeAt loops cost several times more per byte.
 */
export function scanField(
  bytes: Uint8Array,
  pos: number,
  limit: number,
  strict: boolean,
  out: ScannedField,
): number {
  let i = pos;
  let upper = false;
  for (; i < limit; i++) {
    const c = bytes[i]!;
    // Lowercase letters and '-' first: most of every name.
    if ((c >= 97 && c <= 122) || c === 45) continue;
    if (c >= 65 && c <= 90) upper = true;
    else if (TCHAR[c] === 0) break;
  }
  if (i >= limit) return NEED_MORE;
  if (i === pos || bytes[i] !== 58 /* : */) return BAD_NAME;
  out.colon = i;
  out.upper = upper;
  return scanValue(bytes, i + 1, limit, strict, out);
}

/**
 * scanField's second half: reads the value from `pos` (just past the
 * colon) to the line's CR, into `out`'s valueStart and valueEnd. Returns
 * the CR's index, BAD_VALUE or NEED_MORE, as scanField does.
 */
export function scanValue(
  bytes: Uint8Array,
  pos: number,
  limit: number,
  strict: boolean,
  out: ScannedField,
): number {
  let i = pos;
  while (i < limit && (bytes[i] === 32 || bytes[i] === 9)) i++;
  out.valueStart = i;
  for (; i < limit; i++) {
    const c = bytes[i]!;
    if (c >= 32 && c !== 127) continue;
    if (c === 13) break;
    if (c === 9 || (!strict && c !== 10 && c !== 0)) continue;
    return BAD_VALUE;
  }
  if (i + 1 >= limit) return NEED_MORE;
  // The CR must start the line's CRLF.
  if (bytes[i + 1] !== 10) return BAD_VALUE;
  let last = i;
  while (last > out.valueStart && (bytes[last - 1] === 32 || bytes[last - 1] === 9)) last--;
  out.valueEnd = last;
  return i;
}

/**
 * The first `end` bytes as latin1 text: Buffer's own latin1Slice, without
 * toString's argument checks and encoding lookup, where this Node has it.
 */
export function latin1Text(bytes: Buffer, end: number): string {
  const b = bytes as Buffer & { latin1Slice?: (start: number, end: number) => string };
  return b.latin1Slice !== undefined ? b.latin1Slice(0, end) : bytes.toString('latin1', 0, end);
}

/**
 * The lowercase name of the field bytes[from, to), which scanField found
 * a token: a common name comes back as our constant without slicing the
 * head's text or hashing the slice.
 */
export function fieldNameAt(bytes: Uint8Array, text: string, from: number, to: number): string {
  return matchWord(KNOWN, bytes, from, to, true) ?? lowerName(text.slice(from, to));
}

/**
 * Whether the line scanField read, ending at `end`, reads as we write a
 * field, as Envoy does: its name lowercase, one space, then the value up
 * to the line's end. Such a line can be copied as it came.
 */
export function isWrittenForm(bytes: Uint8Array, field: ScannedField, end: number): boolean {
  return (
    !field.upper &&
    bytes[field.colon + 1] === 32 &&
    field.valueStart === field.colon + 2 &&
    field.valueEnd === end
  );
}

/** Whether byte `c` may be in a field name (tchar). */
export function isTokenByte(c: number): boolean {
  return TCHAR[c] === 1;
}

/** The non-negative decimal of at most 15 digits in bytes [from, to) (a content-length), or -1. */
export function digitsIn(bytes: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Whether `codes` (lowercase) lie at `at`, letters in either case. */
export function hasCodesAt(bytes: Uint8Array, at: number, codes: Uint8Array): boolean {
  for (let i = 0; i < codes.length; i++) {
    const c = bytes[at + i]!;
    const want = codes[i]!;
    if (c !== want && (want < 97 || want > 122 || c !== want - 32)) return false;
  }
  return true;
}

/** Whether `codes` (lowercase) lie anywhere in [from, to), letters in either case. */
export function containsCodes(bytes: Uint8Array, from: number, to: number, codes: Uint8Array): boolean {
  for (let at = from; at + codes.length <= to; at++) if (hasCodesAt(bytes, at, codes)) return true;
  return false;
}

const TIMEOUT = Buffer.from('timeout=', 'latin1');

/** The `timeout=N` of a Keep-Alive value in [from, to), in ms, or -1. */
export function keepAliveTimeoutMs(bytes: Uint8Array, from: number, to: number): number {
  for (let at = from; at + TIMEOUT.length < to; at++) {
    if (!hasCodesAt(bytes, at, TIMEOUT)) continue;
    let end = at + TIMEOUT.length;
    while (end < to && bytes[end]! >= 48 && bytes[end]! <= 57) end++;
    const seconds = digitsIn(bytes, at + TIMEOUT.length, end);
    return seconds < 0 ? -1 : seconds * 1000;
  }
  return -1;
}
