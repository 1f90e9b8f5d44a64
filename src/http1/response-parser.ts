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
  containsCodes,
  digitsIn,
  fieldNameAt,
  hasCodesAt,
  isTokenByte,
  isWrittenForm,
  keepAliveTimeoutMs,
  latin1Text,
  matchWord,
  NEED_MORE,
  type ScannedField,
  scanField,
  scanValue,
  wordTable,
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
  /** The timeout its Keep-Alive field gives (`timeout=5`: 5000), or -1: hop-by-hop, so not in `headers`. */
  keepAliveMs: number;
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

  /** The sink reads the fields and the body; false: only where the response ends matters. */
  private readonly wanted: boolean;

  /**
   * `headRequest`: the request was HEAD, so the response has no body whatever
   * it declares. `wanted` false: for a reader that drops the response (an
   * uncompared shadow's), only the framing is read; the head comes with no
   * headers and onData is never called. Hop-by-hop fields are never kept;
   * Keep-Alive's timeout comes back as keepAliveMs.
   */
  constructor(sink: ResponseSink, headRequest: boolean, wanted = true) {
    this.sink = sink;
    this.noBody = headRequest;
    this.wanted = wanted;
    this.emit = wanted ? (chunk) => sink.onData(chunk) : ignore;
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
        if (take > 0 && this.wanted)
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
        if (left > 0 && this.wanted) this.sink.onData(data.subarray(from, limit));
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
    const f = FRAMING;
    f.contentLength = -1;
    f.chunked = false;
    f.otherCoding = false;
    f.close = false;
    f.keepAlive = false;
    f.keepAliveMs = -1;
    let text = '';
    let headers: IncomingHttpHeaders = NO_HEADERS;
    let fields: string | undefined;
    let end: number;
    if (this.wanted) {
      text = latin1Text(bytes, limit);
      headers = {};
      end = readFields(bytes, text, lineEnd + 2, limit, headers, f);
      fields = f.fields;
    } else {
      end = readFraming(bytes, lineEnd + 2, limit, f);
    }
    if (end === NEED_MORE) return NEED_MORE;
    const past = end + 2;
    if (status < 200 && status !== 101) return past;
    this.parsedHead = true;
    this.keepAlive = minor === 1 ? !f.close : f.keepAlive;
    if (this.noBody || status === 204 || status === 304 || status < 200) {
      this.body = Body.None;
    } else if (f.chunked) {
      // Both framings (RFC 9112 §6.3 allows treating it as an error, as llhttp does):
      // refused, so no two parsers on the path can disagree on where it ends.
      if (f.contentLength >= 0) throw new FramingError('both transfer-encoding and content-length');
      this.body = Body.Chunked;
      this.chunked = new ChunkedDecoder();
    } else if (f.otherCoding) {
      this.body = Body.UntilClose;
    } else if (f.contentLength >= 0) {
      this.body = Body.Length;
      this.remaining = f.contentLength;
    } else {
      this.body = Body.UntilClose;
    }
    if (this.body === Body.UntilClose) this.keepAlive = false;
    this.sink.onHead({
      status,
      statusMessage: lineEnd > 13 && this.wanted ? text.slice(13, lineEnd) : '',
      headers,
      keepAlive: this.keepAlive,
      keepAliveMs: f.keepAliveMs,
      fields,
    });
    if (this.body === Body.None || (this.body === Body.Length && this.remaining === 0)) this.finish();
    return past;
  }
}

function ignore(): void {}

/** A scanField answer below 0: NEED_MORE is passed on, a malformed line thrown as FramingError. */
function fieldFailure(cr: number): number {
  if (cr === NEED_MORE) return NEED_MORE;
  throw new FramingError(cr === BAD_NAME ? 'bad header name' : 'control character in a header value');
}

/** What a head says of its framing, as readFields and readFraming find it. */
interface Framing {
  contentLength: number;
  chunked: boolean;
  /** A transfer coding other than chunked last: the body runs to the close. */
  otherCoding: boolean;
  /** Connection says close / keep-alive. */
  close: boolean;
  keepAlive: boolean;
  /** Keep-Alive's timeout in ms, or -1. */
  keepAliveMs: number;
  /** readFields only: ResponseHead.fields. */
  fields: string | undefined;
}

/** The scratch record of a parse: parseHead runs to completion, one at a time. */
const FRAMING: Framing = {
  contentLength: -1,
  chunked: false,
  otherCoding: false,
  close: false,
  keepAlive: false,
  keepAliveMs: -1,
  fields: undefined,
};

/** The headers of a response whose fields nobody reads. */
const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/**
 * Reads every field line from `pos` into `headers` (hop-by-hop ones left
 * out) and `f`. Returns where the blank line starts, or NEED_MORE.
 */
function readFields(
  bytes: Buffer,
  text: string,
  pos: number,
  limit: number,
  headers: IncomingHttpHeaders,
  f: Framing,
): number {
  const field = SCANNED;
  let connection = '';
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
    if (cr < 0) return fieldFailure(cr);
    pos = cr + 2;
    const name = fieldNameAt(bytes, text, lineStart, field.colon);
    const value = text.slice(field.valueStart, field.valueEnd);
    if (name === 'content-length') {
      const n = digitsIn(bytes, field.valueStart, field.valueEnd);
      // A repeated length, even an equal one, is refused (as llhttp does).
      if (n < 0 || f.contentLength >= 0) throw new FramingError('bad or repeated content-length');
      f.contentLength = n;
    } else if (name === 'transfer-encoding') {
      f.chunked = value.toLowerCase().endsWith('chunked');
      f.otherCoding = !f.chunked;
    } else if (name === 'keep-alive') {
      f.keepAliveMs = keepAliveTimeoutMs(bytes, field.valueStart, field.valueEnd);
    } else if (name === 'connection') {
      connection = connection === '' ? value.toLowerCase() : `${connection}, ${value.toLowerCase()}`;
    }
    // Hop-by-hop fields end here: never forwarded, so never stored (deleting
    // them later would turn the object into a slow dictionary).
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
  if (runStart < pos) fields += text.slice(runStart, pos);
  f.close = connection.includes('close');
  f.keepAlive = connection.includes('keep-alive');
  f.fields = connection !== '' && dropConnectionOptions(headers, connection) > 0 ? undefined : fields;
  return pos;
}

/** The framing fields, by their lowercase names. */
const FRAMING_NAMES = wordTable(['connection', 'keep-alive', 'content-length', 'transfer-encoding']);
const CHUNKED = Buffer.from('chunked', 'latin1');
const CLOSE = Buffer.from('close', 'latin1');
const KEEP_ALIVE = Buffer.from('keep-alive', 'latin1');

/**
 * For a response nobody reads but its framing (an uncompared shadow's):
 * reads only the framing fields into `f`, on the bytes, with no text and
 * no headers. Every name is checked, once, and matched only when it is as
 * long as a framing one; the value of any other field is only checked to
 * end in CRLF: a bare LF would end a line here that another parser would
 * not. Returns where the blank line starts, or NEED_MORE.
 */
function readFraming(bytes: Buffer, pos: number, limit: number, f: Framing): number {
  const field = SCANNED;
  for (;;) {
    if (pos + 1 >= limit) return NEED_MORE;
    if (bytes[pos] === 13) {
      if (bytes[pos + 1] !== 10) throw new FramingError('bad header name');
      return pos;
    }
    let colon = pos;
    while (colon < limit && isTokenByte(bytes[colon]!)) colon++;
    if (colon >= limit) return NEED_MORE;
    if (colon === pos || bytes[colon] !== 58 /* : */) throw new FramingError('bad header name');
    const length = colon - pos;
    // Framing names are 10, 14 and 17 long: no other length is matched.
    const name =
      length === 10 || length === 14 || length === 17
        ? matchWord(FRAMING_NAMES, bytes, pos, colon, true)
        : undefined;
    if (name === undefined) {
      let lf = colon + 1;
      while (lf < limit && bytes[lf] !== 10) lf++;
      if (lf >= limit) return NEED_MORE;
      if (bytes[lf - 1] !== 13) throw new FramingError('control character in a header value');
      pos = lf + 1;
      continue;
    }
    const cr = scanValue(bytes, colon + 1, limit, false, field);
    if (cr < 0) return fieldFailure(cr);
    pos = cr + 2;
    const from = field.valueStart;
    const to = field.valueEnd;
    if (name === 'content-length') {
      const n = digitsIn(bytes, from, to);
      if (n < 0 || f.contentLength >= 0) throw new FramingError('bad or repeated content-length');
      f.contentLength = n;
    } else if (name === 'transfer-encoding') {
      f.chunked = to - from >= CHUNKED.length && hasCodesAt(bytes, to - CHUNKED.length, CHUNKED);
      f.otherCoding = !f.chunked;
    } else if (name === 'keep-alive') {
      f.keepAliveMs = keepAliveTimeoutMs(bytes, from, to);
    } else if (to - from === KEEP_ALIVE.length && hasCodesAt(bytes, from, KEEP_ALIVE)) {
      // Connection: the usual value alone, matched where it lies.
      f.keepAlive = true;
    } else {
      f.close ||= containsCodes(bytes, from, to, CLOSE);
      f.keepAlive ||= containsCodes(bytes, from, to, KEEP_ALIVE);
    }
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
