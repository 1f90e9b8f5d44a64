/**
 * Header handling as Envoy does it at the edge. Request headers are edited in
 * place (the downstream object is ours once the request is routed): hop-by-hop
 * headers dropped, HTTP/2 pseudo-headers turned into Host, and x-request-id,
 * x-forwarded-for, x-forwarded-proto, x-envoy-original-path added.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { hasInvalidValueChar } from '../http1/header-lines.js';
import { dropConnectionOptions, HOP_BY_HOP } from '../http1/hop-by-hop.js';
import { newRequestId } from './request-id.js';

export interface ForwardInfo {
  remoteAddress: string | undefined;
  proto: 'http' | 'https';
  /** The path before rewrite, when the route rewrote it. */
  originalPath: string | undefined;
  hostRewrite: string | undefined;
}

/** Deletes the hop-by-hop fields (a delete only where one is present: it slows the object). */
function dropHopByHop(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
  const conn = headers.connection;
  if (typeof conn === 'string') dropConnectionOptions(headers, conn);
  for (let i = 0; i < HOP_BY_HOP.length; i++) {
    const name = HOP_BY_HOP[i]!;
    if (headers[name] !== undefined) delete headers[name];
  }
}

/** Edits `headers` in place for the upstream request and returns it. */
export function toUpstreamHeaders(headers: IncomingHttpHeaders, info: ForwardInfo): IncomingHttpHeaders {
  if (headers[':method'] !== undefined) {
    const authority = headers[':authority'];
    if (headers.host === undefined && typeof authority === 'string') headers.host = authority;
    for (const name of Object.keys(headers)) {
      if (name.charCodeAt(0) === 58 /* ':' */) delete headers[name];
    }
  }
  dropHopByHop(headers);
  // `te` may only say `trailers` (gRPC needs it); anything else is hop-by-hop.
  if (headers.te !== undefined && headers.te !== 'trailers') delete headers.te;
  if (headers['x-request-id'] === undefined) headers['x-request-id'] = newRequestId();
  const xff = headers['x-forwarded-for'];
  if (info.remoteAddress !== undefined) {
    headers['x-forwarded-for'] = xff === undefined ? info.remoteAddress : `${xff}, ${info.remoteAddress}`;
  }
  headers['x-forwarded-proto'] = info.proto;
  if (info.originalPath !== undefined) headers['x-envoy-original-path'] = info.originalPath;
  if (info.hostRewrite !== undefined) headers.host = info.hostRewrite;
  return headers;
}

/**
 * The upstream head's field lines for a request whose other fields came as
 * lines (RequestHead.fields): the forwarding fields toUpstreamHeaders set
 * on `headers` (Host first), then those lines. Undefined when a Host
 * rewrite from configuration (the one value the strict parser did not
 * read) would split the head.
 */
export function upstreamLines(headers: IncomingHttpHeaders, fields: string): string | undefined {
  return linesWith(headers.host, one(headers['x-envoy-original-path']), headers, fields);
}

/**
 * The mirror's lines, from the main request's (`main`, what upstreamLines
 * gave): Host with `-shadow`, the rest as they are, and the original path
 * when only the mirror's rewrite changed it (`rewritten`). The main lines
 * begin with the Host line of `headers.host`, so only that line is
 * written anew.
 */
export function shadowLines(
  headers: IncomingHttpHeaders,
  main: string,
  url: string,
  rewritten: boolean,
): string {
  const host = headers.host ?? '';
  let out = shadowHostLine(host) + main.slice(host.length + 8);
  // The main lines carry the main request's original path already; only one the mirror's rewrite made is added.
  const original = mirrorOriginalPath(headers, url, rewritten);
  if (original !== undefined && headers['x-envoy-original-path'] === undefined)
    out += `x-envoy-original-path: ${original}\r\n`;
  return out;
}

/** The mirror's x-envoy-original-path: the main request's, or `url` when only the mirror's rewrite changed it. */
function mirrorOriginalPath(
  headers: IncomingHttpHeaders,
  url: string,
  rewritten: boolean,
): string | undefined {
  return one(headers['x-envoy-original-path']) ?? (rewritten ? url : undefined);
}

/** A field's value as one line (a repeated field's values joined, as they combine). */
function one(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' || v === undefined ? v : v.join(', ');
}

function linesWith(
  host: string | undefined,
  original: string | undefined,
  headers: IncomingHttpHeaders,
  fields: string,
): string | undefined {
  if (host === undefined || hasInvalidValueChar(host)) return undefined;
  // Named reads, not a loop over the names: a keyed read of these objects is a hash lookup each.
  let out = `host: ${host}\r\n${fields}`;
  const id = headers['x-request-id'];
  if (id !== undefined) out += `x-request-id: ${id}\r\n`;
  const xff = headers['x-forwarded-for'];
  if (xff !== undefined) out += `x-forwarded-for: ${xff}\r\n`;
  const proto = headers['x-forwarded-proto'];
  if (proto !== undefined) out += `x-forwarded-proto: ${proto}\r\n`;
  if (original !== undefined) out += `x-envoy-original-path: ${original}\r\n`;
  return out;
}

/** Edits the upstream response headers in place for the downstream response. */
export function toDownstreamHeaders(
  headers: OutgoingHttpHeaders,
  serviceTimeMs: number,
): OutgoingHttpHeaders {
  dropHopByHop(headers);
  headers['x-envoy-upstream-service-time'] = String(serviceTimeMs);
  headers.server = 'envoy';
  return headers;
}

/**
 * What toDownstreamHeaders adds, as header lines, for a head passed on as
 * lines; undefined when the upstream sent one of them itself, which only
 * toDownstreamHeaders replaces.
 */
export function downstreamLines(headers: IncomingHttpHeaders, serviceTimeMs: number): string | undefined {
  if (headers.server !== undefined || headers['x-envoy-upstream-service-time'] !== undefined)
    return undefined;
  return `x-envoy-upstream-service-time: ${serviceTimeMs}\r\nserver: envoy\r\n`;
}

/**
 * The mirror's copy: same headers, Host/authority with `-shadow` appended,
 * and the original path as shadowLines writes it.
 */
export function toShadowHeaders(
  headers: IncomingHttpHeaders,
  url: string,
  rewritten: boolean,
): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  if (typeof copy.host === 'string') copy.host = `${shadowHost(copy.host)}`;
  const original = mirrorOriginalPath(headers, url, rewritten);
  if (original !== undefined) copy['x-envoy-original-path'] = original;
  return copy;
}

/** HTTP/2 request headers for an upstream stream: the request's own, less `host` and pseudo-headers, plus ours. */
export function toH2RequestHeaders(
  headers: IncomingHttpHeaders,
  method: string,
  path: string,
  tls: boolean,
  authority: string,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 || name === 'host') continue;
    out[name] = headers[name];
  }
  out[':method'] = method;
  out[':path'] = path;
  out[':scheme'] = tls ? 'https' : 'http';
  out[':authority'] = authority;
  return out;
}

/** The last Host seen and its mirror line: nearly every request to a gateway names the same one. */
let lastHost: string | undefined;
let lastHostLine = '';

function shadowHostLine(host: string): string {
  if (host !== lastHost) {
    lastHostLine = `host: ${shadowHost(host)}\r\n`;
    lastHost = host;
  }
  return lastHostLine;
}

/** Envoy appends `-shadow` to the host name, before any port. */
export function shadowHost(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon > 0 && host.indexOf(']') < colon && isPort(host, colon + 1)) {
    return `${host.slice(0, colon)}-shadow${host.slice(colon)}`;
  }
  return `${host}-shadow`;
}

/** Digits only, at least one, from `start` to the end. */
function isPort(s: string, start: number): boolean {
  if (start >= s.length) return false;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
