/** Serialises an upstream HTTP/1.1 request head. */
import type { IncomingHttpHeaders } from 'node:http';
import { appendHeaderLines, InvalidHeaderError, isToken } from './header-lines.js';
import { METHODS } from './request-parser.js';

function framing(name: string): boolean {
  return name === 'content-length' || name === 'transfer-encoding' || name === 'connection';
}

/**
 * `bodyLength`: the exact length of a buffered body (content-length is set
 * from it), -1 for a streamed body sent chunked, -2 for a streamed body whose
 * content-length header is kept, or null for none (POST, PUT and PATCH then
 * say `content-length: 0`).
 */
export function requestHead(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  bodyLength: number | null,
): string {
  return withFraming(
    appendHeaderLines(requestLine(method, path), headers, framing),
    method,
    headers,
    bodyLength,
  );
}

/**
 * requestHead for fields already written as lines (DispatchOptions.fields):
 * `headers` is read for a kept content-length only.
 */
export function requestHeadFromLines(
  method: string,
  path: string,
  fields: string,
  headers: IncomingHttpHeaders,
  bodyLength: number | null,
): string {
  return withFraming(requestLine(method, path) + fields, method, headers, bodyLength);
}

/** What would split the request line: a space, CR, LF or NUL (one pass, not two). */
const NOT_IN_TARGET = /[ \r\n\0]/;

function requestLine(method: string, path: string): string {
  // The fast path's methods are tokens: most requests skip the check.
  if (!(METHODS.has(method) || isToken(method)) || NOT_IN_TARGET.test(path)) {
    throw new InvalidHeaderError('invalid method or path');
  }
  return `${method} ${path} HTTP/1.1\r\n`;
}

function withFraming(
  lines: string,
  method: string,
  headers: IncomingHttpHeaders,
  bodyLength: number | null,
): string {
  let head = lines;
  if (bodyLength !== null && bodyLength >= 0) {
    head += `content-length: ${bodyLength}\r\n`;
  } else if (bodyLength === -1) {
    head += 'transfer-encoding: chunked\r\n';
  } else if (bodyLength === -2) {
    head += `content-length: ${headers['content-length']}\r\n`;
  } else if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    // A payload method with no body says so, as undici and node do.
    head += 'content-length: 0\r\n';
  }
  return `${head}\r\n`;
}
