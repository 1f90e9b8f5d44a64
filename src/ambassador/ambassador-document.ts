/**
 * One Ambassador document → IR: a flat annotation document
 * (`apiVersion: ambassador/v1`, fields at the top) or a CRD
 * (`getambassador.io/v2|v3alpha1` with metadata + spec). Shared by the
 * custom-config annotation, Service annotations and Mapping files.
 */
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { fieldPath } from '../core/diagnostic.js';
import type { Mapping, MappingOrigin, TLSContext } from './mapping.js';
import { isObject, readMappingFields, readTLSContextFields } from './mapping-fields.js';

/** apiVersions of the flat (annotation) form. */
export const FLAT_API_VERSIONS = [
  'ambassador/v0',
  'ambassador/v1',
  'ambassador/v2',
  'getambassador.io/v0',
  'getambassador.io/v1',
  'getambassador.io/v2',
  'getambassador.io/v3alpha1',
] as const;
/** apiVersions of the CRD form. */
export const CRD_API_VERSIONS = [
  'getambassador.io/v1',
  'getambassador.io/v2',
  'getambassador.io/v3alpha1',
] as const;

export function isAmbassadorApiVersion(v: unknown): boolean {
  return typeof v === 'string' && (v.startsWith('getambassador.io/') || v.startsWith('ambassador/'));
}

export interface DocumentContext {
  resource: string;
  path: readonly (string | number)[];
  diagnostics: Diagnostic[];
  where?: string;
  defaultNamespace: string;
  origin: Omit<MappingOrigin, 'resource'> & { resource?: string };
  /** Only the flat form is allowed (annotations). */
  flatOnly: boolean;
}

export type AmbassadorResource =
  | { kind: 'Mapping'; mapping: Mapping }
  | { kind: 'TLSContext'; tls: TLSContext }
  | { kind: 'ignored' }
  | { kind: 'invalid' };

export function readAmbassadorDocument(doc: unknown, ctx: DocumentContext): AmbassadorResource {
  const at = (...more: (string | number)[]) => fieldPath([...ctx.path, ...more]);
  const where = ctx.where ? ` ${ctx.where}` : '';
  const fail = (code: string, path: string, message: string): AmbassadorResource => {
    ctx.diagnostics.push({
      code,
      severity: 'error',
      resource: ctx.resource,
      path,
      message: `${message}${where}`,
    });
    return { kind: 'invalid' };
  };
  if (!isObject(doc))
    return fail('SDEP_MAPPING_NOT_OBJECT', at(), 'an Ambassador document must be an object');
  const { apiVersion, kind } = doc;
  const crd = !ctx.flatOnly && (isObject(doc.spec) || isObject(doc.metadata));
  const versions: readonly string[] = crd ? CRD_API_VERSIONS : FLAT_API_VERSIONS;
  if (typeof apiVersion !== 'string' || !versions.includes(apiVersion)) {
    return fail(
      'SDEP_MAPPING_API_VERSION',
      at('apiVersion'),
      `apiVersion ${JSON.stringify(apiVersion)} is not one of ${versions.join(', ')}`,
    );
  }
  if (kind !== 'Mapping' && kind !== 'TLSContext') {
    if (typeof kind === 'string' && !ctx.flatOnly) {
      ctx.diagnostics.push({
        code: 'SDEP_MAPPING_KIND_IGNORED',
        severity: 'warning',
        resource: ctx.resource,
        path: at('kind'),
        message: `${kind} is not used by sdep; ignored${where}`,
      });
      return { kind: 'ignored' };
    }
    return fail(
      'SDEP_MAPPING_KIND',
      at('kind'),
      `kind ${JSON.stringify(kind)} must be Mapping or TLSContext`,
    );
  }
  let fields: Record<string, unknown> = doc;
  let name: unknown;
  let namespace: unknown;
  const fieldCtx = { resource: ctx.resource, diagnostics: ctx.diagnostics, where: ctx.where, path: ctx.path };
  if (crd) {
    const meta = isObject(doc.metadata) ? doc.metadata : {};
    name = meta.name;
    namespace = meta.namespace;
    if (typeof name !== 'string' || name === '') {
      return fail('SDEP_MAPPING_FIELD_REQUIRED', at('metadata', 'name'), '"metadata.name" is required');
    }
    if (!isObject(doc.spec)) return fail('SDEP_MAPPING_FIELD_REQUIRED', at('spec'), '"spec" is required');
    fields = doc.spec;
    fieldCtx.path = [...ctx.path, 'spec'];
  } else {
    const { apiVersion: _a, kind: _k, ...rest } = doc;
    fields = rest;
  }
  const label = (n: string, ns: string) => `${kind} ${ns}/${n}`;
  if (kind === 'TLSContext') {
    const r = readTLSContextFields(fields, fieldCtx, !crd);
    if (!r.ok) return { kind: 'invalid' };
    const n = (crd ? name : r.tls.name) as string;
    const ns = (crd ? namespace : r.tls.namespace) ?? ctx.defaultNamespace;
    const tls: TLSContext = { ...r.tls, name: n, namespace: ns as string };
    tls.origin = { ...ctx.origin, resource: ctx.origin.resource ?? label(n, ns as string) };
    return { kind: 'TLSContext', tls };
  }
  const r = readMappingFields(fields, fieldCtx, !crd);
  if (!r.ok) return { kind: 'invalid' };
  const n = (crd ? name : r.mapping.name) as string;
  const ns = ((crd ? namespace : r.mapping.namespace) ?? ctx.defaultNamespace) as string;
  const mapping = { ...r.mapping, name: n, namespace: ns } as Mapping;
  mapping.origin = { ...ctx.origin, resource: ctx.origin.resource ?? label(n, ns) };
  return { kind: 'Mapping', mapping };
}

export interface YamlDocuments {
  docs: { value: unknown; index: number }[];
  errors: { index: number; message: string }[];
}

/** Multi-document YAML; empty documents (`---` with nothing) are skipped. */
export function parseYamlDocuments(text: string): YamlDocuments {
  const out: YamlDocuments = { docs: [], errors: [] };
  let index = 0;
  for (const d of parseAllDocuments(text, { prettyErrors: true })) {
    if (!('errors' in d)) continue;
    if (d.errors.length > 0) {
      const e = d.errors[0];
      const pos = e?.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      // prettyErrors already ends the first line with the position; say it once
      const first = (e?.message ?? 'invalid YAML').split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
      out.errors.push({ index, message: `${first}${where}` });
    } else if (d.contents !== null) {
      try {
        const value: unknown = d.toJS({ maxAliasCount: 100 });
        // An empty document (`---` then nothing, as the v1 form writes for an absent one).
        if (value !== null && value !== undefined) out.docs.push({ value, index });
      } catch (e) {
        out.errors.push({ index, message: (e as Error).message });
      }
    }
    index++;
  }
  return out;
}
