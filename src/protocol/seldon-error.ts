/**
 * Renders run-time errors as Seldon error bodies. Two dialects exist:
 * the executor's (`code` = HTTP status, `status: "FAILURE"`) and the Python
 * component wrapper's (`code: -1`, `status: 1`, reason MICROSERVICE_*), which
 * our component microservice reproduces for wire compatibility.
 */
import { isSdepError, SdepError } from '../core/sdep-error.js';
import type { Status } from './seldon-message.js';

export interface SeldonErrorResponse {
  status: number;
  body: { status: Status };
}

export interface WrapperStatus {
  code: number;
  info: string;
  reason: 'MICROSERVICE_BAD_DATA' | 'MICROSERVICE_INTERNAL_ERROR';
  status: number;
}

export interface WrapperErrorResponse {
  status: number;
  body: { status: WrapperStatus };
}

/** Any thrown value as an SdepError: unknown exceptions are a component failure (500). */
export function toSdepError(err: unknown): SdepError {
  if (isSdepError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SdepError('SDEP_COMPONENT_EXCEPTION', message || 'component raised an exception', {
    status: 500,
    cause: err,
  });
}

export function seldonError(err: unknown): SeldonErrorResponse {
  const e = toSdepError(err);
  return {
    status: e.status,
    body: { status: { code: e.status, info: e.message, reason: e.code, status: 'FAILURE' } },
  };
}

export function wrapperError(err: unknown): WrapperErrorResponse {
  const e = toSdepError(err);
  return {
    status: e.status,
    body: {
      status: {
        code: -1,
        info: e.message,
        reason: e.status < 500 ? 'MICROSERVICE_BAD_DATA' : 'MICROSERVICE_INTERNAL_ERROR',
        status: 1,
      },
    },
  };
}
