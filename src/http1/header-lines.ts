/**
 * Header serialisation shared by the upstream request and the downstream
 * response writers. Every value is checked: a CR, LF or NUL in one would
 * split the message (response splitting / request smuggling).
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { UpstreamCodes } from './dispatch.js';

const INVALID_VALUE = /[\r\n\0]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class InvalidHeaderError extends Error {
  readonly code = UpstreamCodes.invalidHeader;
}

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

export function hasInvalidValueChar(s: string): boolean {
  return INVALID_VALUE.test(s);
}

/**
 * Appends `name: value\r\n` for each header except those in `skip`
 * (framing headers the writer sets itself).
 */
export function appendHeaderLines(
  head: string,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  skip: (name: string) => boolean,
): string {
  let out = head;
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined || skip(name)) continue;
    if (typeof v === 'string') {
      if (INVALID_VALUE.test(v)) throw new InvalidHeaderError(`invalid value for header ${name}`);
      out += `${name}: ${v}\r\n`;
    } else if (typeof v === 'number') {
      out += `${name}: ${v}\r\n`;
    } else {
      for (const item of v) {
        const s = String(item);
        if (INVALID_VALUE.test(s)) throw new InvalidHeaderError(`invalid value for header ${name}`);
        out += `${name}: ${s}\r\n`;
      }
    }
  }
  return out;
}

type Latin1Writer = Buffer & { latin1Write?: (text: string, offset: number, length: number) => number };

/**
 * `head` (latin1) followed by `body`, in one buffer: one plain write instead
 * of a corked writev. Written with Buffer's own latin1Write (where this
 * Node has it) and set: write() checks its arguments and looks the encoding
 * up, and copy() makes a view of the source, on every call.
 */
export function withHead(head: string, body: Buffer): Buffer {
  const n = head.length;
  const out = Buffer.allocUnsafe(n + body.length);
  writeLatin1(out, head, 0);
  out.set(body, n);
  return out;
}

/** Writes `text` (latin1) into `out` at `offset`, as withHead does; returns its length. */
export function writeLatin1(out: Buffer, text: string, offset: number): number {
  const w = out as Latin1Writer;
  if (w.latin1Write !== undefined) w.latin1Write(text, offset, text.length);
  else out.write(text, offset, text.length, 'latin1');
  return text.length;
}
