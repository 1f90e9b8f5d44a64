/**
 * `seldon.io/ambassador-config`: the user's own Mapping documents replace the
 * generated ones. Parsed and validated like any Mapping (closed schema), so a
 * malformed one is an error naming the annotation, not a silent no-op.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { parseYamlDocuments, readAmbassadorDocument } from './ambassador-document.js';
import { ANNOTATIONS, annotationPath } from './annotations.js';
import type { AmbassadorConfig, MappingOrigin } from './mapping.js';

export function readCustomConfig(
  text: string,
  resource: string,
  namespace: string,
  origin: MappingOrigin,
  diagnostics: Diagnostic[],
): AmbassadorConfig | undefined {
  const key = ANNOTATIONS.config;
  const where = `in annotation ${key}`;
  const parsed = parseYamlDocuments(text);
  for (const e of parsed.errors) {
    diagnostics.push({
      code: 'SDEP_AMB_CONFIG_YAML',
      severity: 'error',
      resource,
      path: annotationPath(key),
      message: `annotation ${key} is not valid YAML (document ${e.index + 1}): ${e.message}`,
    });
  }
  if (parsed.errors.length > 0) return undefined;
  if (parsed.docs.length === 0) {
    diagnostics.push({
      code: 'SDEP_AMB_CONFIG_EMPTY',
      severity: 'error',
      resource,
      path: annotationPath(key),
      message: `annotation ${key} holds no Mapping document`,
    });
    return undefined;
  }
  const config: AmbassadorConfig = { mappings: [], tlsContexts: [] };
  let ok = true;
  for (const { value, index } of parsed.docs) {
    const r = readAmbassadorDocument(value, {
      resource,
      path: ['spec', 'annotations', key, index],
      diagnostics,
      where,
      defaultNamespace: namespace,
      origin,
      flatOnly: true,
    });
    if (r.kind === 'Mapping') config.mappings.push(r.mapping);
    else if (r.kind === 'TLSContext') config.tlsContexts.push(r.tls);
    else ok = false;
  }
  return ok ? config : undefined;
}
