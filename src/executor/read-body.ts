/**
 * Reads a request body up to a byte limit; past it, a 413. The rest of a
 * too-large body is still read and dropped (up to DRAIN_LIMIT_BYTES, for at
 * most DRAIN_TIMEOUT_MS) before the 413 is sent: a client or proxy that
 * writes the whole body before reading (undici, the gateway) would otherwise
 * see the connection reset instead of the answer.
 */
import type { IncomingMessage } from 'node:http';
import { SdepError } from '../core/sdep-error.js';

export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 10_000;

export function tooLarge(limit: number, got?: number): SdepError {
  return new SdepError(
    'SDEP_UNIT_BODY_TOO_LARGE',
    `request body ${got === undefined ? 'exceeds' : `of ${got} bytes exceeds`} the unit's limit of ${limit} bytes (--max-body-bytes)`,
    { status: 413 },
  );
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const declaredTooLarge = Number.isFinite(declared) && declared > limit;
  // Not worth draining: answer now (the connection is closed after the reply).
  if (declaredTooLarge && declared > DRAIN_LIMIT_BYTES) return Promise.reject(tooLarge(limit, declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const fail = () => {
      if (settled) return;
      settled = true;
      if (drainTimer) clearTimeout(drainTimer);
      reject(tooLarge(limit, declaredTooLarge ? declared : undefined));
    };
    const startDraining = () => {
      failed = true;
      chunks.length = 0;
      drainTimer = setTimeout(fail, DRAIN_TIMEOUT_MS);
      drainTimer.unref();
    };
    if (declaredTooLarge) startDraining();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (failed) {
        if (size > DRAIN_LIMIT_BYTES) fail();
        return;
      }
      if (size > limit) {
        startDraining();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) fail();
      else if (!settled) {
        settled = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      }
    });
    req.on('error', (err) => {
      if (failed) fail();
      else if (!settled) {
        settled = true;
        reject(err);
      }
    });
  });
}
