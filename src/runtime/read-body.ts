import type { IncomingMessage } from 'node:http';
import { runtimeError } from './runtime-error.js';

/** A too-large body is still read and dropped up to this many bytes, so the 413 reaches the client. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Reads a request body, failing with 413 once it passes `limit` bytes. The
 * 413 is given after the rest of the body is drained (bounded in bytes and
 * time): a client that writes its whole body before reading would otherwise
 * get a reset connection instead of the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      reject(tooLarge(limit));
    };
    const drain = () => {
      over = true;
      chunks.length = 0;
      timer = setTimeout(fail, DRAIN_TIMEOUT_MS);
      timer.unref();
    };
    if (over) drain();
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
        resolve(Buffer.concat(chunks));
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

function tooLarge(limit: number) {
  return runtimeError('SDEP_BODY_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`);
}
