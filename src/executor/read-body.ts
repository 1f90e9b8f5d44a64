/**
 * The unit's body reader: up to a byte limit, past it a 413
 * (SDEP_UNIT_BODY_TOO_LARGE) once the rest is drained, as the runtime's
 * readBoundedBody does for component microservices.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { SdepError } from '../core/sdep-error.js';
import { readBoundedBody } from '../runtime/read-body.js';

export function tooLarge(limit: number, got?: number): SdepError {
  return new SdepError(
    'SDEP_UNIT_BODY_TOO_LARGE',
    `request body ${got === undefined ? 'exceeds' : `of ${got} bytes exceeds`} the unit's limit of ${limit} bytes (--max-body-bytes)`,
    { status: 413 },
  );
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBoundedBody(req, limit, (declared) => tooLarge(limit, declared));
}
