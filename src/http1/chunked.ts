/**
 * Incremental decoder of the chunked transfer coding (RFC 9112 §7.1): feed
 * it bytes as they arrive; it hands out the data as zero-copy slices and
 * says where the message ends. Chunk extensions and trailers are read and
 * dropped (trailers are kept as raw lines for whoever wants them). The
 * encoder side is writeChunk() and LAST_CHUNK, for both writers.
 */
import type { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

/** The zero-size chunk that ends a chunked body with no trailers. */
export const LAST_CHUNK = '0\r\n\r\n';

/** Writes `chunk` (not empty) as one chunk; the caller corks around it. Returns the last write's result. */
export function writeChunk(socket: Socket, chunk: Buffer): boolean {
  socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
  socket.write(chunk);
  return socket.write('\r\n', 'latin1');
}

/** A malformed chunk framing: the connection cannot be trusted any further. */
export class FramingError extends Error {
  readonly code = 'H1_FRAMING';
}

enum State {
  Size,
  Data,
  DataEnd,
  Trailers,
  Done,
}

/** `name: value` with a token name, as a header line. */
const TRAILER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\0\r\n]*$/;

/** The longest chunk-size line (size, extensions) or trailer line we accept. */
const MAX_LINE = 4096;
/** 2^53 bytes would overflow exact integers; nobody sends chunks that large. */
const MAX_SIZE_DIGITS = 12;

export class ChunkedDecoder {
  private state = State.Size;
  private remaining = 0;
  private line = '';
  private trailerBytes = 0;

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Consumes from `buf`, calls `onData` with each slice of body, and returns
   * how many bytes of `buf` belonged to the message (the rest is what comes
   * after it). Throws FramingError on bad framing.
   */
  feed(buf: Buffer, onData: (chunk: Buffer) => void): number {
    let i = 0;
    const n = buf.length;
    while (i < n && this.state !== State.Done) {
      switch (this.state) {
        case State.Size: {
          const lf = buf.indexOf(10, i);
          const end = lf < 0 ? n : lf;
          this.line += buf.toString('latin1', i, end);
          if (this.line.length > MAX_LINE) throw new FramingError('chunk size line too long');
          if (lf < 0) return n;
          i = lf + 1;
          if (!this.line.endsWith('\r')) throw new FramingError('chunk size line not ended by CRLF');
          this.remaining = parseSizeLine(this.line);
          this.line = '';
          this.state = this.remaining === 0 ? State.Trailers : State.Data;
          break;
        }
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          onData(buf.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataEnd;
          break;
        }
        case State.DataEnd: {
          // Exactly CRLF after the data: llhttp takes nothing else, and a peer that
          // disagrees with us on where a chunk ends could smuggle a response.
          const c = buf[i]!;
          if (this.line === '' && c === 13) {
            this.line = '\r';
            i++;
          } else if (this.line === '\r' && c === 10) {
            this.line = '';
            this.state = State.Size;
            i++;
          } else {
            throw new FramingError('chunk data not followed by CRLF');
          }
          break;
        }
        case State.Trailers: {
          const lf = buf.indexOf(10, i);
          const end = lf < 0 ? n : lf;
          this.line += buf.toString('latin1', i, end);
          this.trailerBytes += end - i;
          if (this.line.length > MAX_LINE || this.trailerBytes > 16 * MAX_LINE) {
            throw new FramingError('trailers too long');
          }
          if (lf < 0) return n;
          i = lf + 1;
          if (!this.line.endsWith('\r')) throw new FramingError('trailer line not ended by CRLF');
          const line = this.line.slice(0, -1);
          this.line = '';
          if (line === '') this.state = State.Done;
          else if (!TRAILER_LINE.test(line)) throw new FramingError('malformed trailer line');
          break;
        }
        default:
          break;
      }
    }
    return i;
  }
}

function parseSizeLine(raw: string): number {
  const line = raw.slice(0, -1);
  const semi = line.indexOf(';');
  const digits = (semi < 0 ? line : line.slice(0, semi)).trimEnd();
  if (digits.length === 0 || digits.length > MAX_SIZE_DIGITS || !/^[0-9a-fA-F]+$/.test(digits)) {
    throw new FramingError(`bad chunk size ${JSON.stringify(digits.slice(0, 20))}`);
  }
  return Number.parseInt(digits, 16);
}
