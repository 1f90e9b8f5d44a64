/**
 * Parses component parameters as Seldon passes them (PREDICTIVE_UNIT_PARAMETERS):
 * a JSON list of {name, value, type}, each value parsed as its type. A plain
 * JSON object is accepted too, as already-typed parameters.
 */
import type { ComponentParameters } from './component.js';
import { runtimeError } from './runtime-error.js';

function typed(name: string, value: unknown, type: unknown): unknown {
  const fail = () =>
    runtimeError(
      'SDEP_BAD_PARAMETERS',
      `parameter ${name}: value ${JSON.stringify(value)} is not a valid ${String(type)}`,
    );
  if (typeof value !== 'string') return value;
  switch (type) {
    case 'INT': {
      const n = Number(value);
      if (!Number.isInteger(n)) throw fail();
      return n;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw fail();
      return n;
    }
    case 'BOOL':
      if (!/^(true|false)$/i.test(value)) throw fail();
      return value.toLowerCase() === 'true';
    case 'JSON':
      try {
        return JSON.parse(value);
      } catch {
        throw fail();
      }
    case 'STRING':
    case undefined:
      return value;
    default:
      throw runtimeError('SDEP_BAD_PARAMETERS', `parameter ${name}: unknown type ${String(type)}`);
  }
}

export function parseUnitParameters(json: string | undefined): ComponentParameters {
  if (json === undefined || json.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw runtimeError('SDEP_BAD_PARAMETERS', `parameters are not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(raw)) {
    const out: ComponentParameters = {};
    raw.forEach((p, i) => {
      const entry = p as { name?: unknown; value?: unknown; type?: unknown } | null;
      if (typeof entry?.name !== 'string') {
        throw runtimeError('SDEP_BAD_PARAMETERS', `parameters[${i}]: needs a string name`);
      }
      out[entry.name] = typed(entry.name, entry.value, entry.type);
    });
    return out;
  }
  if (raw !== null && typeof raw === 'object') return raw as ComponentParameters;
  throw runtimeError(
    'SDEP_BAD_PARAMETERS',
    'parameters must be a JSON list of {name, value, type} or an object',
  );
}
