/**
 * Strict parse of an HTTP/1.1 request head for the fast path. It accepts
 * only the plain, unambiguous case: origin-form target, HTTP/1.1, token
 * header names, no obs-fold, no control characters, at most one of each
 * header, framing by content-length alone. Anything else returns
 * `undefined`, and the connection is handed to node's http server, whose
 * parser (llhttp) answers it: a 400, a 431, chunked bodies, 100-continue,
 * HTTP/1.0. So the fast path never has to be right about the odd cases.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { digits, isWrittenForm, tokenName, trimOws } from './field-text.js';
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
}

/** Header bytes past which the connection goes to node (which answers 431 past its own limit). */
export const FAST_MAX_HEAD_BYTES = 16 * 1024;

/** Headers the fast path leaves to node: other framing, interim responses, protocol switches. */
const DECLINED = new Set(['transfer-encoding', 'expect', 'upgrade', 'http2-settings', '__proto__']);

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

/** Request-target: origin-form (RFC 9112 §3.2.1), visible ASCII only, no fragment. */
function isOriginForm(s: string): boolean {
  if (s.charCodeAt(0) !== 47 /* / */) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 35 /* # */) return false;
  }
  return true;
}

/** Field value: VCHAR, SP, HTAB, obs-text; nothing else. */
function isFieldValue(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return false;
  }
  return true;
}

/** `text` is the head up to (not including) the blank line. */
export function parseRequestHead(text: string, keepFields = false): RequestHead | undefined {
  const firstEnd = text.indexOf('\r\n');
  const lineEnd = firstEnd < 0 ? text.length : firstEnd;
  const sp1 = text.indexOf(' ');
  if (sp1 <= 0 || sp1 >= lineEnd) return undefined;
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 >= lineEnd || lineEnd - sp2 !== 9) return undefined;
  if (!text.startsWith('HTTP/1.1', sp2 + 1)) return undefined;
  const method = text.slice(0, sp1);
  if (!METHODS.has(method)) return undefined;
  const url = text.slice(sp1 + 1, sp2);
  if (!isOriginForm(url)) return undefined;

  const headers: IncomingHttpHeaders = {};
  let contentLength = 0;
  let close = false;
  let fields = '';
  let exact = keepFields;
  let pos = firstEnd < 0 ? text.length : firstEnd + 2;
  while (pos < text.length) {
    let end = text.indexOf('\r\n', pos);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon >= end || !isFieldValue(text, colon + 1, end)) return undefined;
    const name = tokenName(text, pos, colon);
    if (name === undefined) return undefined;
    if (headers[name] !== undefined || DECLINED.has(name)) return undefined;
    const value = trimOws(text, colon + 1, end);
    if (name === 'content-length') {
      contentLength = digits(value);
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
      // A line already as we write one is copied.
      if (!isWrittenForm(text, pos, colon, end, name, value)) fields += `${name}: ${value}\r\n`;
      else fields += end < text.length ? text.slice(pos, end + 2) : `${text.slice(pos, end)}\r\n`;
    }
    pos = end + 2;
  }
  // HTTP/1.1 requires Host (node answers 400 without it).
  if (headers.host === undefined) return undefined;
  return { method, url, headers, contentLength, close, fields: exact ? fields : undefined };
}
