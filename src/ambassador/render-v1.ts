/**
 * The `ambassador-v1` form: Services carrying `getambassador.io/config`, as
 * Seldon Core writes them. Per predictor Service, for each Mapping set
 * (namespaced, then single-namespace): REST, gRPC, TLSContext documents, each
 * after `---\n`, an empty document standing for one that is not there.
 * A custom `seldon.io/ambassador-config` goes once, on the deployment's first
 * predictor Service (Seldon Core copies it onto every one, duplicating it).
 */
import type { AmbassadorConfig, BackendService, Mapping, MappingOrigin, TLSContext } from './mapping.js';
import { mappingBody, V1_ANNOTATION_FIELDS } from './mapping-body.js';
import { SERVICE_CONFIG_ANNOTATION } from './names.js';
import { toYaml } from './yaml-text.js';

type Obj = Record<string, unknown>;

/** Carries Mappings that belong to no generated Service (loaded from files). */
const LOOSE_CARRIER = 'sdep-ambassador-config';

/** One flat annotation document. */
export function v1MappingDocument(m: Mapping, carrierNamespace: string | undefined): Obj {
  const body = mappingBody(m);
  if (Array.isArray(body.ambassador_id)) {
    const ids = body.ambassador_id as string[];
    if (ids.length === 0) delete body.ambassador_id;
    else body.ambassador_id = ids.length === 1 ? ids[0] : ids;
  }
  // Only Ambassador's v2 annotation schema knows these; use it when they are present.
  const needsV2 = Object.keys(body).some((k) => !V1_ANNOTATION_FIELDS.has(k));
  const doc: Obj = { apiVersion: needsV2 ? 'ambassador/v2' : 'ambassador/v1', kind: 'Mapping', name: m.name };
  if (m.namespace !== undefined && m.namespace !== carrierNamespace) doc.namespace = m.namespace;
  return { ...doc, ...body };
}

export function v1TlsDocument(t: TLSContext, carrierNamespace: string | undefined): Obj {
  const doc: Obj = { apiVersion: 'ambassador/v1', kind: 'TLSContext', name: t.name };
  if (t.namespace !== undefined && t.namespace !== carrierNamespace) doc.namespace = t.namespace;
  doc.hosts = [...t.hosts];
  doc.secret = t.secret;
  if (t.ambassador_id && t.ambassador_id.length > 0) {
    doc.ambassador_id = t.ambassador_id.length === 1 ? t.ambassador_id[0] : [...t.ambassador_id];
  }
  return doc;
}

/** The annotation value: each document after `---\n`; '' stands for an absent one. */
export function annotationText(docs: readonly (Obj | '')[]): string {
  return docs.map((d) => `---\n${d === '' ? '' : toYaml(d)}`).join('');
}

function sameOwner(a: MappingOrigin | undefined, b: MappingOrigin): boolean {
  return (
    a !== undefined &&
    a.resource === b.resource &&
    a.predictor === b.predictor &&
    Boolean(a.explainer) === Boolean(b.explainer) &&
    a.source.file === b.source.file &&
    a.source.index === b.source.index
  );
}

function isGenerated(m: Mapping): boolean {
  return m.origin?.predictor !== undefined;
}

/**
 * Documents for one Service, in Seldon Core's order: generated Mappings in sets
 * of (REST, gRPC, TLSContext) — one set, or two in single-namespace mode — then
 * any other Mappings and TLSContexts given (a custom config).
 */
export function v1Documents(
  mappings: readonly Mapping[],
  tlsContexts: readonly TLSContext[],
  carrierNamespace: string | undefined,
): (Obj | '')[] {
  const docs: (Obj | '')[] = [];
  const sets: Mapping[][] = [];
  for (const m of mappings.filter(isGenerated)) {
    const current = sets[sets.length - 1];
    if (!m.grpc || !current || current.length !== 1 || current[0]?.grpc) sets.push([m]);
    else current.push(m);
  }
  const generatedTls = tlsContexts.filter((t) => t.origin?.predictor !== undefined);
  sets.forEach((set, i) => {
    const rest = set.find((m) => !m.grpc);
    const grpc = set.find((m) => m.grpc);
    docs.push(rest ? v1MappingDocument(rest, carrierNamespace) : '');
    docs.push(grpc ? v1MappingDocument(grpc, carrierNamespace) : '');
    const t = i === 0 ? generatedTls[0] : undefined;
    docs.push(t ? v1TlsDocument(t, carrierNamespace) : '');
  });
  const usedTls = sets.length > 0 ? generatedTls.slice(0, 1) : [];
  for (const m of mappings) if (!isGenerated(m)) docs.push(v1MappingDocument(m, carrierNamespace));
  for (const t of tlsContexts) if (!usedTls.includes(t)) docs.push(v1TlsDocument(t, carrierNamespace));
  return docs;
}

/** The `getambassador.io/config` value for these Mappings and TLSContexts (one Service's worth). */
export function v1AnnotationText(
  mappings: readonly Mapping[],
  tlsContexts: readonly TLSContext[],
  carrierNamespace?: string,
): string {
  return annotationText(v1Documents(mappings, tlsContexts, carrierNamespace));
}

function serviceObject(
  name: string,
  namespace: string,
  svc: BackendService | undefined,
  docs: (Obj | '')[],
): Obj {
  const spec: Obj = svc
    ? {
        selector: { ...svc.selector },
        ports: svc.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.port })),
      }
    : { clusterIP: 'None' };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations: { [SERVICE_CONFIG_ANNOTATION]: annotationText(docs) } },
    spec,
  };
}

export function renderV1Objects(config: AmbassadorConfig): Obj[] {
  const out: Obj[] = [];
  const used = new Set<object>();
  const services = config.services ?? [];
  for (const svc of services) {
    const mappings = config.mappings.filter(
      (m) => !used.has(m) && isGenerated(m) && sameOwner(m.origin, svc.origin),
    );
    const tls = svc.origin.explainer
      ? []
      : config.tlsContexts.filter((t) => !used.has(t) && sameOwner(t.origin, svc.origin));
    // Custom Mappings of the deployment: once, on its first predictor Service.
    const isFirst =
      !svc.origin.explainer && services.find((s) => s.origin.resource === svc.origin.resource) === svc;
    if (isFirst) {
      const custom = (o: MappingOrigin | undefined) =>
        o?.predictor === undefined && o?.resource === svc.origin.resource;
      mappings.push(...config.mappings.filter((m) => !used.has(m) && custom(m.origin)));
      tls.push(...config.tlsContexts.filter((t) => !used.has(t) && custom(t.origin)));
    }
    for (const x of [...mappings, ...tls]) used.add(x);
    const docs = v1Documents(mappings, tls, svc.namespace);
    if (docs.length > 0) out.push(serviceObject(svc.name, svc.namespace, svc, docs));
  }
  // Whatever no generated Service carries (Mapping files), per namespace.
  const loose = new Map<string, { mappings: Mapping[]; tls: TLSContext[] }>();
  const bucket = (ns: string | undefined) => {
    const key = ns ?? 'default';
    const b = loose.get(key) ?? { mappings: [], tls: [] };
    loose.set(key, b);
    return b;
  };
  for (const m of config.mappings) if (!used.has(m)) bucket(m.namespace).mappings.push(m);
  for (const t of config.tlsContexts) if (!used.has(t)) bucket(t.namespace).tls.push(t);
  for (const ns of [...loose.keys()].sort()) {
    const b = loose.get(ns) as { mappings: Mapping[]; tls: TLSContext[] };
    const docs = [
      ...b.mappings.map((m) => v1MappingDocument(m, ns)),
      ...b.tls.map((t) => v1TlsDocument(t, ns)),
    ];
    out.push(serviceObject(LOOSE_CARRIER, ns, undefined, docs));
  }
  return out;
}
