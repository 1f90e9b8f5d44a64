/**
 * Hand-written Mapping files → IR, for the embedded gateway. Accepts what the
 * renderer emits: flat annotation documents, getambassador.io v2/v3alpha1
 * Mapping CRDs, and Services carrying a `getambassador.io/config` annotation.
 * A bad Mapping is left out with an error; the rest load.
 */
import type { SourceRef } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { fieldPath } from '../core/diagnostic.js';
import {
  type AmbassadorResource,
  isAmbassadorApiVersion,
  parseYamlDocuments,
  readAmbassadorDocument,
} from './ambassador-document.js';
import type { Mapping, TLSContext } from './mapping.js';
import { isObject } from './mapping-fields.js';
import { SERVICE_CONFIG_ANNOTATION } from './names.js';

/** The shape api/'s readResourceFiles returns (structural, so both sides stay independent). */
export interface MappingDocument {
  doc: unknown;
  source: SourceRef;
  apiVersion?: string;
  kind?: string;
}

export interface LoadedMappings {
  mappings: Mapping[];
  tlsContexts: TLSContext[];
  diagnostics: Diagnostic[];
}

export function loadMappings(documents: readonly MappingDocument[]): LoadedMappings {
  const out: LoadedMappings = { mappings: [], tlsContexts: [], diagnostics: [] };
  const names = new Map<string, string>();
  const add = (r: AmbassadorResource, resource: string) => {
    if (r.kind !== 'Mapping' && r.kind !== 'TLSContext') return;
    const item = r.kind === 'Mapping' ? r.mapping : r.tls;
    const key = `${r.kind} ${item.namespace ?? 'default'}/${item.name}`;
    const first = names.get(key);
    if (first !== undefined) {
      out.diagnostics.push({
        code: 'SDEP_MAPPING_DUPLICATE_NAME',
        severity: 'error',
        resource,
        path: '',
        message: `${key} is already defined by ${first}; this one is left out`,
      });
      return;
    }
    names.set(key, resource);
    if (r.kind === 'Mapping') out.mappings.push(r.mapping);
    else out.tlsContexts.push(r.tls);
  };
  for (const d of documents) {
    const doc = d.doc;
    const file = `${d.source.file}#${d.source.index}`;
    if (!isObject(doc)) {
      out.diagnostics.push({
        code: 'SDEP_MAPPING_NOT_OBJECT',
        severity: 'error',
        resource: file,
        path: '',
        message: 'document is not an object',
      });
      continue;
    }
    if (doc.apiVersion === 'v1' && doc.kind === 'Service') {
      loadService(doc, d.source, out.diagnostics, add);
    } else if (isAmbassadorApiVersion(doc.apiVersion)) {
      const label = describeDoc(doc);
      const resource = `${file} ${label}`;
      const r = readAmbassadorDocument(doc, {
        resource,
        path: [],
        diagnostics: out.diagnostics,
        defaultNamespace: 'default',
        origin: { source: d.source },
        flatOnly: false,
      });
      add(r, resource);
    }
    // Anything else (SeldonDeployments, Deployments, ...) is not ours: skipped quietly.
  }
  return out;
}

function describeDoc(doc: Record<string, unknown>): string {
  const meta = isObject(doc.metadata) ? doc.metadata : doc;
  const name = typeof meta.name === 'string' ? meta.name : '?';
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  return `${typeof doc.kind === 'string' ? doc.kind : 'document'} ${ns}/${name}`;
}

function loadService(
  doc: Record<string, unknown>,
  source: SourceRef,
  diagnostics: Diagnostic[],
  add: (r: AmbassadorResource, resource: string) => void,
): void {
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const text = isObject(meta.annotations) ? meta.annotations[SERVICE_CONFIG_ANNOTATION] : undefined;
  if (text === undefined) return;
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  const resource = `${source.file}#${source.index} Service ${ns}/${String(meta.name ?? '?')}`;
  const path = ['metadata', 'annotations', SERVICE_CONFIG_ANNOTATION] as const;
  if (typeof text !== 'string') {
    diagnostics.push({
      code: 'SDEP_MAPPING_YAML',
      severity: 'error',
      resource,
      path: fieldPath(path),
      message: 'annotation must be a string of YAML documents',
    });
    return;
  }
  const parsed = parseYamlDocuments(text);
  for (const e of parsed.errors) {
    diagnostics.push({
      code: 'SDEP_MAPPING_YAML',
      severity: 'error',
      resource,
      path: fieldPath([...path, e.index]),
      message: `not valid YAML: ${e.message}`,
    });
  }
  for (const { value, index } of parsed.docs) {
    const r = readAmbassadorDocument(value, {
      resource,
      path: [...path, index],
      diagnostics,
      defaultNamespace: ns,
      origin: { source },
      flatOnly: true,
    });
    add(r, resource);
  }
}

/** Mapping text held in memory (a file's content, a ConfigMap value): any of the forms above. */
export function parseMappingText(text: string, file: string): LoadedMappings {
  const parsed = parseYamlDocuments(text);
  const diagnostics: Diagnostic[] = parsed.errors.map((e) => ({
    code: 'SDEP_MAPPING_YAML',
    severity: 'error' as const,
    resource: `${file}#${e.index}`,
    path: '',
    message: `not valid YAML: ${e.message}`,
  }));
  const loaded = loadMappings(
    parsed.docs.map(({ value, index }) => ({ doc: value, source: { file, index } })),
  );
  loaded.diagnostics.unshift(...diagnostics);
  return loaded;
}
