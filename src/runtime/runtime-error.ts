import { SdepError } from '../core/sdep-error.js';
import type { RuntimeCode } from './codes.js';

const STATUS: Record<RuntimeCode, number> = {
  SDEP_COMPONENT_EXCEPTION: 500,
  SDEP_COMPONENT_UNAVAILABLE: 503,
  SDEP_COMPONENT_TIMEOUT: 504,
  SDEP_METHOD_NOT_DEFINED: 400,
  SDEP_BAD_PAYLOAD: 400,
  SDEP_BAD_PARAMETERS: 400,
  SDEP_MODULE_LOAD: 500,
  SDEP_ONNX_MODEL: 500,
  SDEP_BODY_TOO_LARGE: 413,
  SDEP_NOT_FOUND: 404,
};

/** An SdepError from this folder, with the HTTP status its code implies. */
export function runtimeError(code: RuntimeCode, message: string, cause?: unknown): SdepError {
  return new SdepError(code, message, { status: STATUS[code], cause });
}
