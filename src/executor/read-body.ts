/** Reads a request body up to a byte limit; past it, a 413 (checked on Content-Length first). */
import type { IncomingMessage } from 'node:http';
import { SdepError } from '../core/sdep-error.js';

export function tooLarge(limit: number, got?: number): SdepError {
  return new SdepError(
    'SDEP_UNIT_BODY_TOO_LARGE',
    `request body ${got === undefined ? 'exceeds' : `of ${got} bytes exceeds`} the unit's limit of ${limit} bytes (--max-body-bytes)`,
    { status: 413 },
  );
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit, declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}
