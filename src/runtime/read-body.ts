import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { runtimeError } from './runtime-error.js';

/** A too-large body is still read and dropped up to this many bytes, so the 413 reaches the client. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Reads a request body, failing with `tooLarge(declared)` once it passes
 * `limit` bytes (`declared`: the content-length, when that alone was over).
 * The failure is given after the rest of the body is drained (bounded in
 * bytes and time): a client or proxy that writes its whole body before
 * reading (undici, the gateway) would otherwise get a reset connection
 * instead of the answer. A declared length past the drain bound fails at
 * once (the connection is closed after the reply).
 */
export function readBoundedBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: (declared: number | undefined) => Error,
): Promise<Buffer> {
  // sdep's HTTP/1.1 codec has the whole body already when it came with the head (http1/downstream-request.ts).
  const buffered = (req as { bufferedBody?: Buffer | undefined }).bufferedBody;
  if (buffered !== undefined && buffered.length <= limit) return Promise.resolve(buffered);
  const declared = Number(req.headers['content-length']);
  const declaredTooLarge = Number.isFinite(declared) && declared > limit;
  if (declaredTooLarge && declared > DRAIN_LIMIT_BYTES) return Promise.reject(tooLarge(declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      reject(tooLarge(declaredTooLarge ? declared : undefined));
    };
    const drain = () => {
      over = true;
      chunks.length = 0;
      timer = setTimeout(fail, DRAIN_TIMEOUT_MS);
      timer.unref();
    };
    if (declaredTooLarge) drain();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > DRAIN_LIMIT_BYTES) fail();
      } else if (size > limit) drain();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) fail();
      else if (!settled) {
        settled = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (over) fail();
      else if (!settled) {
        settled = true;
        reject(e);
      }
    });
  });
}

/** A component microservice's body reader: past `limit`, SDEP_BODY_TOO_LARGE. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBoundedBody(req, limit, () => tooLarge(limit));
}

function tooLarge(limit: number) {
  return runtimeError('SDEP_BODY_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`);
}
