/**
 * Seldon annotations with a numeric meaning must be non-negative integers.
 * The seldon.io/ambassador-*, rest-timeout and grpc-timeout keys are left to
 * ambassador/, which owns them; these are the executor/engine ones.
 */
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import type { RawSeldonDeployment } from './schema.js';

export const NUMERIC_ANNOTATIONS = [
  'seldon.io/grpc-max-message-size',
  'seldon.io/rest-read-timeout',
  'seldon.io/grpc-read-timeout',
  'seldon.io/rest-connection-timeout',
] as const;

function check(
  annotations: Readonly<Record<string, string>> | undefined,
  base: (string | number)[],
  resource: string,
  out: Diagnostic[],
): void {
  for (const key of NUMERIC_ANNOTATIONS) {
    const value = annotations?.[key];
    if (value !== undefined && !/^\d+$/.test(value.trim()))
      out.push({
        code: 'SDEP_ANNOTATION_NOT_INTEGER',
        severity: 'error',
        resource,
        path: fieldPath([...base, key]),
        message: `annotation ${key} must be a non-negative integer, got ${JSON.stringify(value)}`,
      });
  }
}

export function validateAnnotations(raw: RawSeldonDeployment, resource: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  check(raw.metadata.annotations, ['metadata', 'annotations'], resource, out);
  check(raw.spec.annotations, ['spec', 'annotations'], resource, out);
  for (const [i, p] of raw.spec.predictors.entries())
    check(p.annotations, ['spec', 'predictors', i, 'annotations'], resource, out);
  return out;
}
