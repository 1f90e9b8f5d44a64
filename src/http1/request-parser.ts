/**
 * Strict parse of an HTTP/1.1 request head for the fast path. It accepts
 * only the plain, unambiguous case: origin-form target, HTTP/1.1, token
 * header names, no obs-fold, no control characters, at most one of each
 * header, framing by content-length alone. Anything else returns
 * `undefined`, and the connection is handed to node's http server, whose
 * parser (llhttp) answers it: a 400, a 431, chunked bodies, 100-continue,
 * HTTP/1.0. So the fast path never has to be right about the odd cases.
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import {
  digitsIn,
  fieldNameAt,
  isWrittenForm,
  latin1Text,
  matchWord,
  NEED_MORE,
  type ScannedField,
  scanField,
  wordTable,
} from './field-text.js';
import { connectionFieldNames, fieldRole, MESSAGE_FIELD } from './hop-by-hop.js';

export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Declared body length (0 when there is none). */
  contentLength: number;
  /** The client asked to close after this request. */
  close: boolean;
  /**
   * With `keepFields`: the lines a proxy passes on as they are, each
   * `name: value\r\n` with the name lowercase, in the client's order: every
   * field but content-length, the hop-by-hop ones (`te` unless it says
   * `trailers`) and the forwarding ones a proxy writes itself (FORWARDING_FIELD).
   * Undefined without `keepFields`, or when Connection names other fields
   * (those are dropped from the headers object only).
   */
  fields: string | undefined;
  /** Where the body starts: past the blank line that ends the head. */
  bodyStart: number;
}

/** parseRequestHead's answer when the head does not end within the bytes given. */
export const INCOMPLETE: unique symbol = Symbol('sdep.h1.incompleteHead');

/** Header bytes past which the connection goes to node (which answers 431 past its own limit). */
export const FAST_MAX_HEAD_BYTES = 16 * 1024;

/** Headers the fast path leaves to node: other framing, interim responses, protocol switches. */
function isDeclined(name: string): boolean {
  switch (name.length) {
    case 6:
      return name === 'expect';
    case 7:
      return name === 'upgrade';
    case 9:
      return name === '__proto__';
    case 14:
      return name === 'http2-settings';
    case 17:
      return name === 'transfer-encoding';
    default:
      return false;
  }
}

/**
 * The methods the fast path takes; any other (WebDAV, PRI, lowercase,
 * unknown tokens) goes to node, which knows which it accepts.
 */
export const METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
]);

const METHOD_WORDS = wordTable(METHODS);
const LONGEST_METHOD = Math.max(...[...METHODS].map((m) => m.length));

/** originFormEnd's answer when the target runs to the end of the bytes given. */
const TARGET_CUT = -2;

/**
 * Where the request-target starting at `from` ends (the SP after it), when
 * it is origin-form (RFC 9112 §3.2.1), visible ASCII only, no fragment; -1
 * otherwise, TARGET_CUT when it reaches `limit`.
 */
function originFormEnd(bytes: Uint8Array, from: number, limit: number): number {
  if (from >= limit) return TARGET_CUT;
  if (bytes[from] !== 47 /* / */) return -1;
  for (let i = from + 1; i < limit; i++) {
    const c = bytes[i]!;
    if (c === 32) return i;
    if (c < 32 || c >= 127 || c === 35 /* # */) return -1;
  }
  return TARGET_CUT;
}

/** The request line's end, as byte codes (charCodeAt on a string costs several times more). */
const VERSION = Buffer.from(' HTTP/1.1\r\n', 'latin1');

/** The scratch record of scanField: a parse runs to completion, one at a time. */
const SCANNED: ScannedField = { colon: 0, upper: false, valueStart: 0, valueEnd: 0 };

/**
 * Parses the head at the start of `bytes`, reading only the bytes before
 * `limit`: it finds the blank line that ends the head itself, so a read
 * can be parsed where it lies, with no search for CRLF CRLF first.
 * Returns INCOMPLETE when the head does not end before `limit` (nothing
 * seen so far is refused), undefined when the fast path declines it.
 */
export function parseRequestHead(
  bytes: Buffer,
  limit: number,
  keepFields = false,
): RequestHead | undefined | typeof INCOMPLETE {
  let sp1 = 0;
  while (sp1 <= LONGEST_METHOD && sp1 < limit && bytes[sp1] !== 32) sp1++;
  if (sp1 === limit) return INCOMPLETE;
  // Matched on the bytes to our constant: no slice, no set lookup.
  const method = matchWord(METHOD_WORDS, bytes, 0, sp1, false);
  if (method === undefined) return undefined;
  const sp2 = originFormEnd(bytes, sp1 + 1, limit);
  if (sp2 === TARGET_CUT) return INCOMPLETE;
  if (sp2 < 0) return undefined;
  // The version and the line's CRLF.
  const given = Math.min(VERSION.length, limit - sp2);
  for (let i = 0; i < given; i++) if (bytes[sp2 + i] !== VERSION[i]) return undefined;
  if (given < VERSION.length) return INCOMPLETE;
  const text = latin1Text(bytes, limit);
  const url = text.slice(sp1 + 1, sp2);
  const headers: IncomingHttpHeaders = {};
  let contentLength = 0;
  let close = false;
  let fields = '';
  let exact = keepFields;
  const field = SCANNED;
  let pos = sp2 + VERSION.length;
  for (;;) {
    if (pos + 1 >= limit) return INCOMPLETE;
    if (bytes[pos] === 13) {
      // The blank line: a CR must start its CRLF.
      if (bytes[pos + 1] !== 10) return undefined;
      break;
    }
    const lineStart = pos;
    const cr = scanField(bytes, pos, limit, true, field);
    if (cr < 0) return cr === NEED_MORE ? INCOMPLETE : undefined;
    pos = cr + 2;
    const name = fieldNameAt(bytes, text, lineStart, field.colon);
    if (headers[name] !== undefined || isDeclined(name)) return undefined;
    const value = text.slice(field.valueStart, field.valueEnd);
    if (name === 'content-length') {
      contentLength = digitsIn(bytes, field.valueStart, field.valueEnd);
      if (contentLength < 0) return undefined;
    } else if (name === 'connection') {
      const v = value.toLowerCase();
      if (v.includes('upgrade') || v.includes('http2-settings')) return undefined;
      close = v.includes('close');
      if (connectionFieldNames(v).length > 0) exact = false;
    }
    headers[name] = value;
    if (
      keepFields &&
      name !== 'content-length' &&
      fieldRole(name) === MESSAGE_FIELD &&
      (name !== 'te' || value === 'trailers')
    ) {
      // A line already as we write one is copied, with its CRLF.
      if (isWrittenForm(bytes, field, cr)) fields += text.slice(lineStart, pos);
      else fields += `${name}: ${value}\r\n`;
    }
  }
  // HTTP/1.1 requires Host (node answers 400 without it).
  if (headers.host === undefined) return undefined;
  return {
    method,
    url,
    headers,
    contentLength,
    close,
    fields: exact ? fields : undefined,
    bodyStart: pos + 2,
  };
}
