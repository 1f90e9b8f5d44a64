/**
 * Errors that name the graph node they came from. A remote component's own
 * non-200 reply keeps its status and body so the unit can pass it through.
 */
import { isSdepError, SdepError } from '../core/sdep-error.js';
import type { ExecutorCode } from './codes.js';

export class ComponentReplyError extends SdepError {
  /** The component's reply body, parsed as JSON when it was JSON, else the text. */
  readonly body: unknown;
  constructor(node: string, status: number, body: unknown) {
    super('SDEP_COMPONENT_REPLY', `component '${node}' answered ${status}`, { status });
    this.body = body;
  }
}

export function nodeError(code: ExecutorCode, message: string, status: number, cause?: unknown): SdepError {
  return new SdepError(code, message, cause === undefined ? { status } : { status, cause });
}

/** Turns whatever a component threw into an SdepError naming the node and method. */
export function wrapComponentFailure(node: string, method: string, err: unknown): SdepError {
  if (err instanceof ComponentReplyError) return err;
  if (isSdepError(err)) {
    // Already classified (bad input 400, unavailable 503, timeout 504...): keep it, but say where.
    if (err.message.includes(`'${node}'`)) return err;
    const opts =
      err.flag === undefined
        ? { status: err.status, cause: err }
        : { status: err.status, flag: err.flag, cause: err };
    return new SdepError(err.code, `component '${node}' ${method}: ${err.message}`, opts);
  }
  const reason = err instanceof Error ? err.message : String(err);
  return nodeError('SDEP_COMPONENT_ERROR', `component '${node}' failed in ${method}: ${reason}`, 500, err);
}
