/**
 * Unknown fields are warnings, not errors: Seldon resources in the wild carry
 * extras (older fields, tool annotations). Walks the document alongside the
 * TypeBox schema; objects marked `additionalProperties: true` or keyed maps
 * (`patternProperties`) are open and not reported.
 */
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import { isPlainObject } from './document-shape.js';
import { GraphNodeSchema, SeldonDeploymentSchema } from './schema.js';

interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
}

const refs = new Map<string, JsonSchema>([[GraphNodeSchema.$id as string, GraphNodeSchema as JsonSchema]]);

function walk(
  schema: JsonSchema,
  value: unknown,
  segments: (string | number)[],
  resource: string,
  out: Diagnostic[],
): void {
  const s = schema.$ref ? refs.get(schema.$ref) : schema;
  if (!s) return;
  if (s.type === 'array' && Array.isArray(value) && s.items) {
    for (const [i, item] of value.entries()) walk(s.items!, item, [...segments, i], resource, out);
    return;
  }
  if (s.type !== 'object' || !isPlainObject(value)) return;
  if (s.patternProperties) {
    const inner = Object.values(s.patternProperties)[0];
    if (inner) for (const [k, v] of Object.entries(value)) walk(inner, v, [...segments, k], resource, out);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const known = s.properties?.[k];
    if (known) walk(known, v, [...segments, k], resource, out);
    else if (s.additionalProperties !== true)
      out.push({
        code: 'SDEP_UNKNOWN_FIELD',
        severity: 'warning',
        resource,
        path: fieldPath([...segments, k]),
        message: `unknown field ${JSON.stringify(k)} is ignored`,
      });
  }
}

/** One warning per field the SeldonDeployment schema does not know. */
export function findUnknownFields(doc: unknown, resource: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(SeldonDeploymentSchema as JsonSchema, doc, [], resource, out);
  return out;
}
