/** Graph parameters are strings in the resource; each must parse as its declared type. */
import type { ParameterType } from './deployment-spec.js';

export type ParsedParameter = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseParameterValue(type: ParameterType, value: string): ParsedParameter {
  const v = value.trim();
  switch (type) {
    case 'INT': {
      const n = Number(v);
      return /^[+-]?\d+$/.test(v) && Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, reason: `${JSON.stringify(value)} is not an integer` };
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = Number(v);
      return v !== '' && Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, reason: `${JSON.stringify(value)} is not a number` };
    }
    case 'BOOL': {
      const l = v.toLowerCase();
      if (l === 'true') return { ok: true, value: true };
      if (l === 'false') return { ok: true, value: false };
      return { ok: false, reason: `${JSON.stringify(value)} is not true or false` };
    }
    case 'JSON':
      try {
        return { ok: true, value: JSON.parse(value) };
      } catch (e) {
        return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
      }
    case 'STRING':
      return { ok: true, value };
  }
}
