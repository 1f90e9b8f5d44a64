/**
 * parseDeployment: one raw document → validated, defaulted DeploymentSpec,
 * or diagnostics saying why not. Structure first (ajv on the TypeBox schema;
 * unknown fields warn), then, on a well-shaped document, every semantic rule.
 * Never throws: any input, however odd, yields diagnostics.
 */
import { type Diagnostic, hasErrors } from '../core/diagnostic.js';
import { toDeploymentSpec } from './defaults.js';
import { type DeploymentSpec, resourceLabel, type SourceRef } from './deployment-spec.js';
import { checkShape, isPlainObject, MAX_DEPTH, MAX_NODES } from './document-shape.js';
import type { RawSeldonDeployment } from './schema.js';
import { checkSchema } from './schema-check.js';
import { findUnknownFields } from './unknown-fields.js';
import { validateAnnotations } from './validate-annotations.js';
import { validateGraphs } from './validate-graph.js';
import { validatePredictors } from './validate-predictors.js';

export const SELDON_KIND = 'SeldonDeployment';
export const SELDON_API_VERSIONS = [
  'machinelearning.seldon.io/v1',
  'machinelearning.seldon.io/v1alpha2',
  'machinelearning.seldon.io/v1alpha3',
] as const;

export interface ParseResult {
  spec?: DeploymentSpec;
  diagnostics: Diagnostic[];
}

/** Best-effort label for a document that may not have the right shape. */
export function labelFor(doc: unknown, source: SourceRef): string {
  const meta = isPlainObject(doc) && isPlainObject(doc.metadata) ? doc.metadata : {};
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : '<unnamed>';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  return resourceLabel({ name, namespace, source });
}

function checkKind(doc: Record<string, unknown>, resource: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (typeof doc.kind === 'string' && doc.kind !== SELDON_KIND)
    out.push({
      code: 'SDEP_KIND',
      severity: 'error',
      resource,
      path: 'kind',
      message: `kind must be ${SELDON_KIND}, got ${JSON.stringify(doc.kind)}`,
    });
  if (
    typeof doc.apiVersion === 'string' &&
    !(SELDON_API_VERSIONS as readonly string[]).includes(doc.apiVersion)
  )
    out.push({
      code: 'SDEP_API_VERSION',
      severity: 'error',
      resource,
      path: 'apiVersion',
      message: `apiVersion ${JSON.stringify(doc.apiVersion)} is not supported; use one of ${SELDON_API_VERSIONS.join(', ')}`,
    });
  return out;
}

function parseUnsafe(doc: unknown, source: SourceRef, resource: string): ParseResult {
  const shape = checkShape(doc);
  if (shape)
    return {
      diagnostics: [
        {
          code: 'SDEP_DOCUMENT_TOO_DEEP',
          severity: 'error',
          resource,
          path: '',
          message:
            shape.kind === 'depth'
              ? `document nests deeper than ${MAX_DEPTH} levels`
              : `document has more than ${MAX_NODES} values`,
        },
      ],
    };
  const diagnostics = [
    ...(isPlainObject(doc) ? checkKind(doc, resource) : []),
    ...checkSchema(doc, resource),
    ...findUnknownFields(doc, resource),
  ];
  if (hasErrors(diagnostics)) return { diagnostics };
  const raw = doc as RawSeldonDeployment;
  diagnostics.push(
    ...validatePredictors(raw, resource),
    ...validateGraphs(raw, resource),
    ...validateAnnotations(raw, resource),
  );
  if (hasErrors(diagnostics)) return { diagnostics };
  return { spec: toDeploymentSpec(raw, source), diagnostics };
}

export function parseDeployment(doc: unknown, source: SourceRef): ParseResult {
  let resource = `${source.file}#${source.index} SeldonDeployment`;
  try {
    resource = labelFor(doc, source);
    return parseUnsafe(doc, source, resource);
  } catch (e) {
    // Reached only by inputs no YAML/JSON file can produce (throwing getters, proxies).
    return {
      diagnostics: [
        {
          code: 'SDEP_FIELD_VALUE',
          severity: 'error',
          resource,
          path: '',
          message: `document could not be read: ${e instanceof Error ? e.message : String(e)}`,
        },
      ],
    };
  }
}
