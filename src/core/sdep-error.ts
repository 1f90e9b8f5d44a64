/**
 * The one run-time error family. Each error knows its HTTP status and, where
 * the fault is Envoy-like, the response flag Envoy would log. Rendering to a
 * wire response is done by the layer that owns the protocol (gateway: Envoy
 * local reply; unit: Seldon status JSON).
 */
export type EnvoyFlag = 'NR' | 'UO' | 'UT' | 'UF' | 'URX' | 'UC' | 'DC';

export interface SdepErrorOptions {
  status: number;
  flag?: EnvoyFlag;
  cause?: unknown;
}

export class SdepError extends Error {
  readonly code: string;
  readonly status: number;
  readonly flag: EnvoyFlag | undefined;

  constructor(code: string, message: string, opts: SdepErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SdepError';
    this.code = code;
    this.status = opts.status;
    this.flag = opts.flag;
  }
}

export function isSdepError(e: unknown): e is SdepError {
  return e instanceof SdepError;
}
