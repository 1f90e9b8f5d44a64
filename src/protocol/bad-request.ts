import { SdepError } from '../core/sdep-error.js';
import type { ProtocolCode } from './codes.js';

/** A 400 naming the offending field: `field` is a JSON path such as `data.tensor.values`. */
export function badRequest(code: ProtocolCode, field: string, reason: string): SdepError {
  return new SdepError(code, field ? `${field}: ${reason}` : reason, { status: 400 });
}
