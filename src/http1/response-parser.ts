/**
 * Incremental parser of HTTP/1.1 responses from an upstream: the status
 * line and headers, then the body framed by content-length, chunked coding
 * or the connection's end (RFC 9112 §6.3). Interim (1xx) responses are
 * skipped. It says whether the connection can carry another request.
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { ChunkedDecoder, FramingError } from './chunked.js';
import {
  BAD_NAME,
  digits,
  fieldNameAt,
  isWrittenForm,
  latin1Text,
  NEED_MORE,
  type ScannedField,
  scanField,
} from './field-text.js';
import { dropConnectionOptions, isHopByHop } from './hop-by-hop.js';

export { FramingError };

/** A response head larger than this is refused (Envoy's default max_request_headers_kb is 60). */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface ResponseHead {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** The upstream keeps the connection open after this response. */
  keepAlive: boolean;
  /** Its Keep-Alive field (`timeout=5`), when it sent one: hop-by-hop, so not in `headers`. */
  keepAliveHint: string | undefined;
  /**
   * The lines of `headers`, in the upstream's order, each `name: value\r\n`
   * with the name lowercase (hop-by-hop ones left out): what writing
   * `headers` out gives, for a proxy to pass on without writing them again.
   * Lines already in that form are copied as they came. Undefined when
   * headers were not kept, or when the Connection field names others (those
   * are dropped from `headers` only).
   */
  fields: string | undefined;
}

export interface ResponseSink {
  onHead(head: ResponseHead): void;
  /** Body bytes, valid only during the call (they may lie in a read buffer that is reused): copy what is kept. */
  onData(chunk: Buffer): void;
  onEnd(): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * How much of a read a head is looked for in where it lies: one longer than
 * this (rare) is copied out and found as a split one is.
 */
const FIRST_LOOK = 4096;

enum Body {
  None,
  Length,
  Chunked,
  UntilClose,
}

export class ResponseParser {
  private head: Buffer | null = null;
  private parsedHead = false;
  private body = Body.None;
  private remaining = 0;
  private chunked: ChunkedDecoder | null = null;
  private finished = false;
  private keepAlive = false;
  private readonly sink: ResponseSink;
  private readonly noBody: boolean;
  private readonly emit: (chunk: Buffer) => void;

  private readonly allHeaders: boolean;

  /**
   * `headRequest`: the request was HEAD, so the response has no body whatever
   * it declares. `allHeaders` false: no field is kept (the framing ones are
   * still read), for a reader that drops them (an uncompared shadow response).
   * Hop-by-hop fields are never kept; Keep-Alive comes back as keepAliveHint.
   */
  constructor(sink: ResponseSink, headRequest: boolean, allHeaders = true) {
    this.sink = sink;
    this.noBody = headRequest;
    this.allHeaders = allHeaders;
    this.emit = (chunk) => sink.onData(chunk);
  }

  get complete(): boolean {
    return this.finished;
  }

  get headParsed(): boolean {
    return this.parsedHead;
  }

  /** The response so far is framed by the connection's end: an EOF completes it. */
  get endsAtClose(): boolean {
    return this.parsedHead && this.body === Body.UntilClose;
  }

  /**
   * Feeds bytes: [0, length) of `buf`, which the caller may reuse once this
   * returns (a shared read buffer). Returns the number of bytes past the
   * end of the response (bytes the upstream sent that belong to no
   * request), or 0. Throws FramingError on a malformed response.
   */
  feed(buf: Buffer, length = buf.length): number {
    let data = buf;
    let from = 0;
    let limit = length;
    while (!this.parsedHead) {
      let past = NEED_MORE;
      // The usual read starts with the whole head: parsed where it lies.
      if (this.head === null && from === 0) past = this.parseHead(data, Math.min(limit, FIRST_LOOK));
      if (past < 0) {
        // Split across reads: gathered in bytes of our own until CRLF CRLF comes.
        const more = data.subarray(from, limit);
        const all = this.head === null ? Buffer.from(more) : Buffer.concat([this.head, more]);
        const end = all.indexOf(CRLFCRLF);
        if (end < 0) {
          if (all.length > MAX_HEAD_BYTES) throw new FramingError('response head too large');
          this.head = all;
          return 0;
        }
        this.head = null;
        past = this.parseHead(all, end + 4);
        data = all;
        limit = all.length;
      }
      from = past;
      // An interim response: the next head follows it.
      if (from === limit && !this.parsedHead) return 0;
    }
    if (this.finished) return limit - from;
    const left = limit - from;
    switch (this.body) {
      case Body.Length: {
        const take = Math.min(this.remaining, left);
        if (take > 0)
          this.sink.onData(from === 0 && take === data.length ? data : data.subarray(from, from + take));
        this.remaining -= take;
        if (this.remaining === 0) this.finish();
        return left - take;
      }
      case Body.Chunked: {
        const used = this.chunked!.feed(data.subarray(from, limit), this.emit);
        if (this.chunked!.done) this.finish();
        return left - used;
      }
      case Body.UntilClose:
        if (left > 0) this.sink.onData(data.subarray(from, limit));
        return 0;
      default:
        if (!this.finished) this.finish();
        return left;
    }
  }

  /** The upstream closed the connection: completes an until-close body; otherwise the response was cut short. */
  eof(): boolean {
    if (this.finished) return true;
    if (this.parsedHead && this.body === Body.UntilClose) {
      this.finish();
      return true;
    }
    return false;
  }

  private finish(): void {
    this.finished = true;
    this.sink.onEnd();
  }

  /**
   * Parses the head at the start of `bytes`, reading only the bytes before
   * `limit`; it finds the blank line that ends the head itself. Returns
   * where the head ends (past the blank line), or NEED_MORE when it does
   * not end before `limit`, having changed nothing. An interim (1xx)
   * response is dropped: parsedHead stays false.
   */
  private parseHead(bytes: Buffer, limit: number): number {
    const lineEnd = statusLineEnd(bytes, limit);
    if (lineEnd === NEED_MORE) return NEED_MORE;
    // HTTP-version SP status-code SP [reason-phrase]
    if (lineEnd < 12 || !startsWithVersion(bytes) || bytes[8] !== 32 || (lineEnd > 12 && bytes[12] !== 32)) {
      throw new FramingError('bad status line');
    }
    const minor = bytes[7]! - 48;
    const status = threeDigits(bytes, 9);
    if (status < 100 || (minor !== 0 && minor !== 1)) throw new FramingError('bad status line');
    const text = latin1Text(bytes, limit);
    const headers: IncomingHttpHeaders = {};
    let contentLength = -1;
    let chunked = false;
    let otherCoding = false;
    let connection = '';
    let keepAliveHint: string | undefined;
    const field = SCANNED;
    let pos = lineEnd + 2;
    // The kept lines are copied in runs: [runStart, pos) is kept so far.
    let fields = '';
    let runStart = pos;
    for (;;) {
      if (pos + 1 >= limit) return NEED_MORE;
      if (bytes[pos] === 13) {
        // The blank line: a CR must start its CRLF.
        if (bytes[pos + 1] !== 10) throw new FramingError('bad header name');
        break;
      }
      const lineStart = pos;
      const cr = scanField(bytes, pos, limit, false, field);
      if (cr < 0) {
        if (cr === NEED_MORE) return NEED_MORE;
        throw new FramingError(cr === BAD_NAME ? 'bad header name' : 'control character in a header value');
      }
      pos = cr + 2;
      const colon = field.colon;
      const length = colon - lineStart;
      // Not a framing header (those are 10, 14 and 17 long), and nobody reads the others.
      if (!this.allHeaders && length !== 10 && length !== 14 && length !== 17) continue;
      const name = fieldNameAt(bytes, text, lineStart, colon);
      const value = text.slice(field.valueStart, field.valueEnd);
      if (name === 'content-length') {
        const n = digits(value);
        // A repeated length, even an equal one, is refused (as llhttp does).
        if (n < 0 || contentLength >= 0) throw new FramingError('bad or repeated content-length');
        contentLength = n;
      } else if (name === 'transfer-encoding') {
        chunked = value.toLowerCase().endsWith('chunked');
        otherCoding = !chunked;
      } else if (name === 'keep-alive') {
        keepAliveHint = value;
      } else if (name === 'connection') {
        connection = connection === '' ? value.toLowerCase() : `${connection}, ${value.toLowerCase()}`;
      }
      // Hop-by-hop fields end here: never forwarded, so never stored (deleting
      // them later would turn the object into a slow dictionary).
      if (!this.allHeaders) continue;
      if (isHopByHop(name)) {
        if (lineStart > runStart) fields += text.slice(runStart, lineStart);
        runStart = pos;
        continue;
      }
      if (!isWrittenForm(bytes, field, cr)) {
        // Not as we write a field: this line is written anew.
        if (lineStart > runStart) fields += text.slice(runStart, lineStart);
        fields += `${name}: ${value}\r\n`;
        runStart = pos;
      }
      const prev = headers[name];
      if (prev === undefined) headers[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else if (name === 'set-cookie') headers[name] = [prev as string, value];
      else headers[name] = `${prev}, ${value}`;
    }
    if (this.allHeaders && runStart < pos) fields += text.slice(runStart, pos);
    let exact = this.allHeaders;
    if (connection !== '') exact = dropConnectionOptions(headers, connection) === 0 && exact;
    const past = pos + 2;
    if (status < 200 && status !== 101) return past;
    this.parsedHead = true;
    this.keepAlive = minor === 1 ? !connection.includes('close') : connection.includes('keep-alive');
    if (this.noBody || status === 204 || status === 304 || status < 200) {
      this.body = Body.None;
    } else if (chunked) {
      // Both framings (RFC 9112 §6.3 allows treating it as an error, as llhttp does):
      // refused, so no two parsers on the path can disagree on where it ends.
      if (contentLength >= 0) throw new FramingError('both transfer-encoding and content-length');
      this.body = Body.Chunked;
      this.chunked = new ChunkedDecoder();
    } else if (otherCoding) {
      this.body = Body.UntilClose;
    } else if (contentLength >= 0) {
      this.body = Body.Length;
      this.remaining = contentLength;
    } else {
      this.body = Body.UntilClose;
    }
    if (this.body === Body.UntilClose) this.keepAlive = false;
    const statusMessage = lineEnd > 13 ? text.slice(13, lineEnd) : '';
    this.sink.onHead({
      status,
      statusMessage,
      headers,
      keepAlive: this.keepAlive,
      keepAliveHint,
      fields: exact ? fields : undefined,
    });
    if (this.body === Body.None || (this.body === Body.Length && this.remaining === 0)) this.finish();
    return past;
  }
}

/** The scratch record of scanField: parseHead runs to completion, one at a time. */
const SCANNED: ScannedField = { colon: 0, upper: false, valueStart: 0, valueEnd: 0 };

/**
 * Where the status line ends (its CR, which a LF follows), or NEED_MORE
 * when that is not before `limit`. A LF or NUL in it would split the
 * status line we write on, and a CR must start its CRLF: -1 for those.
 */
function statusLineEnd(bytes: Buffer, limit: number): number {
  for (let i = 0; i < limit; i++) {
    const c = bytes[i]!;
    if (c <= 13 && (c === 13 || c === 10 || c === 0)) {
      if (c !== 13) return -1;
      if (i + 1 >= limit) return NEED_MORE;
      return bytes[i + 1] === 10 ? i : -1;
    }
  }
  return NEED_MORE;
}

/** `HTTP/1.`, the status line's start, as byte codes. */
const VERSION_START = Buffer.from('HTTP/1.', 'latin1');

function startsWithVersion(bytes: Buffer): boolean {
  for (let i = 0; i < VERSION_START.length; i++) if (bytes[i] !== VERSION_START[i]) return false;
  return true;
}

/** The status code at `at`, or -1. */
function threeDigits(s: Buffer, at: number): number {
  let n = 0;
  for (let i = at; i < at + 3; i++) {
    const c = s[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
