/** Mapping and TLSContext custom resources: getambassador.io/v2 and v3alpha1. */
import type { AmbassadorConfig, Mapping, MappingOrigin, TLSContext } from './mapping.js';
import { mappingBody } from './mapping-body.js';
import { k8sName } from './names.js';

type Obj = Record<string, unknown>;

/** `SeldonDeployment ns/name` → name, for the label Seldon Core puts on its Mappings. */
export function deploymentOf(origin: MappingOrigin | undefined): string | undefined {
  const m = /^SeldonDeployment [^/]+\/(.+)$/.exec(origin?.resource ?? '');
  return m?.[1];
}

function metadata(name: string, namespace: string | undefined, origin: MappingOrigin | undefined): Obj {
  const meta: Obj = { name: k8sName(name), namespace: namespace ?? 'default' };
  const d = deploymentOf(origin);
  if (d !== undefined) meta.labels = { 'seldon-deployment-id': d };
  return meta;
}

export type CrdFormat = 'v2' | 'v3alpha1';

export function mappingResource(m: Mapping, format: CrdFormat): Obj {
  return {
    apiVersion: `getambassador.io/${format}`,
    kind: 'Mapping',
    metadata: metadata(m.name, m.namespace, m.origin),
    spec: format === 'v2' ? v2Spec(m) : v3Spec(m),
  };
}

export function tlsContextResource(t: TLSContext, format: CrdFormat): Obj {
  return {
    apiVersion: `getambassador.io/${format}`,
    kind: 'TLSContext',
    metadata: metadata(t.name, t.namespace, t.origin),
    spec: tlsSpec(t),
  };
}

export function renderCrdObjects(config: AmbassadorConfig, format: CrdFormat): Obj[] {
  return [
    ...config.mappings.map((m) => mappingResource(m, format)),
    ...config.tlsContexts.map((t) => tlsContextResource(t, format)),
  ];
}

/** Seldon Core tags its generated clusters so REST and gRPC get distinct Envoy clusters. */
function clusterTag(m: Mapping): string | undefined {
  if (m.cluster_tag !== undefined) return m.cluster_tag;
  if (m.origin?.predictor === undefined) return undefined;
  return m.grpc ? 'seldon_grpc' : 'seldon_http';
}

function crdBody(m: Mapping): Obj {
  const body = mappingBody(m);
  // A CRD's `tls` names a TLSContext by its metadata.name, so it is converted the same way.
  if (typeof body.tls === 'string') body.tls = k8sName(body.tls);
  if (Array.isArray(body.ambassador_id) && body.ambassador_id.length === 0) delete body.ambassador_id;
  const tag = clusterTag(m);
  return tag === undefined ? body : { cluster_tag: tag, ...body };
}

function v2Spec(m: Mapping): Obj {
  const body = crdBody(m);
  // v2 has no `hostname`: its `host` is the exact-match equivalent; `*` means any.
  if (body.hostname !== undefined) {
    if (body.hostname !== '*' && body.host === undefined) body.host = body.hostname;
    delete body.hostname;
  }
  return body;
}

/**
 * v3alpha1: `hostname` is required in practice (a Mapping without one is attached to
 * no Host and never routed), header/query matches are strings only (a presence
 * match becomes the regex `.*`), `tls` is a TLSContext name only.
 */
function v3Spec(m: Mapping): Obj {
  const body = crdBody(m);
  const hostname = (body.hostname as string | undefined) ?? (body.host as string | undefined) ?? '*';
  delete body.host;
  delete body.hostname;
  movePresence(body, 'headers', 'regex_headers');
  movePresence(body, 'query_parameters', 'regex_query_parameters');
  if (typeof body.tls !== 'string') delete body.tls;
  return { hostname, ...body };
}

function movePresence(body: Obj, exact: string, regex: string): void {
  const map = body[exact] as Record<string, string | boolean> | undefined;
  if (!map) return;
  const strings: Record<string, string> = {};
  const rx: Record<string, string> = { ...(body[regex] as Record<string, string> | undefined) };
  for (const [k, v] of Object.entries(map)) {
    if (typeof v === 'string') strings[k] = v;
    else if (rx[k] === undefined) rx[k] = '.*';
  }
  if (Object.keys(strings).length > 0) body[exact] = strings;
  else delete body[exact];
  if (Object.keys(rx).length > 0)
    body[regex] = Object.fromEntries(
      Object.keys(rx)
        .sort()
        .map((k) => [k, rx[k]]),
    );
}

function tlsSpec(t: TLSContext): Obj {
  const spec: Obj = { hosts: [...t.hosts], secret: t.secret };
  if (t.ambassador_id && t.ambassador_id.length > 0) spec.ambassador_id = [...t.ambassador_id];
  return spec;
}
