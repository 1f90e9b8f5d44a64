/**
 * The Seldon Core annotations that shape Mappings, and readers that turn
 * their string values into typed values or diagnostics (never a throw).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { fieldPath } from '../core/diagnostic.js';

export const ANNOTATIONS = {
  config: 'seldon.io/ambassador-config',
  header: 'seldon.io/ambassador-header',
  regexHeader: 'seldon.io/ambassador-regex-header',
  id: 'seldon.io/ambassador-id',
  retries: 'seldon.io/ambassador-retries',
  serviceName: 'seldon.io/ambassador-service-name',
  grpcTimeout: 'seldon.io/grpc-timeout',
  restTimeout: 'seldon.io/rest-timeout',
  cbMaxConnections: 'seldon.io/ambassador-circuit-breakers-max-connections',
  cbMaxPendingRequests: 'seldon.io/ambassador-circuit-breakers-max-pending-requests',
  cbMaxRequests: 'seldon.io/ambassador-circuit-breakers-max-requests',
  cbMaxRetries: 'seldon.io/ambassador-circuit-breakers-max-retries',
  /** Predictor-level: overrides the backend service name. */
  svcName: 'seldon.io/svc-name',
} as const;

/** Envoy holds these in uint32 fields. */
const MAX_UINT32 = 4294967295;

/** Where an annotation of the deployment lives, for Diagnostic.path (spec.annotations wins, so name it). */
export function annotationPath(key: string): string {
  return fieldPath(['spec', 'annotations', key]);
}

export interface AnnotationReader {
  readonly resource: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly diagnostics: Diagnostic[];
}

/**
 * A non-negative integer annotation (Go's Atoi would accept a sign; a negative
 * timeout, retry count or cap has no meaning, so it is an error here too).
 */
export function readInteger(r: AnnotationReader, key: string, unit: string): number | undefined {
  const raw = r.annotations[key];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const n = /^\+?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > MAX_UINT32) {
    r.diagnostics.push({
      code: 'SDEP_AMB_ANNOTATION_INTEGER',
      severity: 'error',
      resource: r.resource,
      path: annotationPath(key),
      message: `annotation ${key}: ${JSON.stringify(raw)} is not a non-negative integer (${unit})`,
    });
    return undefined;
  }
  return n;
}

/** `name` (presence), `name:value`, or pairs `n1:v1:n2:v2`. */
export function readHeaders(r: AnnotationReader, key: string): Record<string, string | true> | undefined {
  const raw = r.annotations[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const parts = raw.split(':').map((s) => s.trim());
  if (parts.length === 1) return checkNames(r, key, raw, { [parts[0] as string]: true });
  if (parts.length % 2 !== 0) {
    return headerError(
      r,
      key,
      raw,
      `${parts.length} ':'-separated parts; expected name, name:value or n1:v1:n2:v2`,
    );
  }
  const out: Record<string, string | true> = {};
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const value = parts[i + 1] as string;
    if (value === '') return headerError(r, key, raw, `header ${JSON.stringify(name)} has an empty value`);
    out[name] = value;
  }
  return checkNames(r, key, raw, out);
}

/**
 * `name:regex`, split at the first ':' only so the regex may contain colons;
 * a bare `name` is a presence match (`.*`).
 */
export function readRegexHeaders(r: AnnotationReader, key: string): Record<string, string> | undefined {
  const raw = r.annotations[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const at = raw.indexOf(':');
  const name = (at < 0 ? raw : raw.slice(0, at)).trim();
  const regex = at < 0 ? '.*' : raw.slice(at + 1).trim();
  if (regex === '') return headerError(r, key, raw, `header ${JSON.stringify(name)} has an empty regex`);
  try {
    new RegExp(regex);
  } catch (e) {
    r.diagnostics.push({
      code: 'SDEP_AMB_HEADER_REGEX',
      severity: 'error',
      resource: r.resource,
      path: annotationPath(key),
      message: `annotation ${key}: ${JSON.stringify(regex)} is not a valid regex (${(e as Error).message})`,
    });
    return undefined;
  }
  return checkNames(r, key, raw, { [name]: regex });
}

const HEADER_NAME = /^:?[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function checkNames<T>(r: AnnotationReader, key: string, raw: string, headers: Record<string, T>) {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME.test(name)) {
      return headerError(r, key, raw, `${JSON.stringify(name)} is not a valid header name`);
    }
  }
  return headers;
}

function headerError(r: AnnotationReader, key: string, raw: string, why: string): undefined {
  r.diagnostics.push({
    code: 'SDEP_AMB_HEADER_FORMAT',
    severity: 'error',
    resource: r.resource,
    path: annotationPath(key),
    message: `annotation ${key}: cannot parse ${JSON.stringify(raw)}: ${why}`,
  });
  return undefined;
}
