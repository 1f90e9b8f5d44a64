/**
 * Structural check of a raw document with ajv (all errors, not just the
 * first), mapped to Diagnostics with `spec.predictors[1].traffic`-style paths.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import { isPlainObject } from './document-shape.js';
import { SeldonDeploymentSchema } from './schema.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(SeldonDeploymentSchema);

/** JSON pointer → path segments, numbers where the document holds an array. */
export function pointerSegments(doc: unknown, pointer: string): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = isPlainObject(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(doc: unknown, segments: readonly (string | number)[]): unknown {
  let cur = doc;
  for (const s of segments) {
    if (Array.isArray(cur) && typeof s === 'number') cur = cur[s];
    else if (isPlainObject(cur) && typeof s === 'string') cur = cur[s];
    else return undefined;
  }
  return cur;
}

function toDiagnostic(doc: unknown, e: ErrorObject, resource: string): Diagnostic {
  const segments = pointerSegments(doc, e.instancePath);
  const value = valueAt(doc, segments);
  const base = { severity: 'error' as const, resource };
  switch (e.keyword) {
    case 'required': {
      const missing = String((e.params as { missingProperty?: string }).missingProperty ?? '');
      return {
        ...base,
        code: 'SDEP_FIELD_REQUIRED',
        path: fieldPath([...segments, missing]),
        message: `${missing} is required`,
      };
    }
    case 'type': {
      const want = String((e.params as { type?: string }).type ?? 'another type');
      // Kubernetes maps hold strings only: `replicas: "3"` style mistakes in reverse.
      const parent = segments[segments.length - 2];
      const hint =
        want === 'string' && (parent === 'annotations' || parent === 'labels')
          ? ' (quote the value in YAML)'
          : '';
      return {
        ...base,
        code: 'SDEP_FIELD_TYPE',
        path: fieldPath(segments),
        message: `must be ${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}, got ${describeValue(value)}${hint}`,
      };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String);
      return {
        ...base,
        code: 'SDEP_FIELD_VALUE',
        path: fieldPath(segments),
        message: `must be one of ${allowed.join(', ')}; got ${describeValue(value)}`,
      };
    }
    default:
      return {
        ...base,
        code: 'SDEP_FIELD_VALUE',
        path: fieldPath(segments),
        message: `${e.message ?? 'is invalid'}; got ${describeValue(value)}`,
      };
  }
}

/** Errors for every structural problem in `doc`; [] when it has the SeldonDeployment shape. */
export function checkSchema(doc: unknown, resource: string): Diagnostic[] {
  if (validate(doc)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const d = toDiagnostic(doc, e, resource);
    const key = `${d.code}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
