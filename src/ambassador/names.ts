/**
 * Names Seldon Core gives to backend Services, Mappings and TLSContexts.
 * The IR keeps Ambassador's annotation-style names (underscores);
 * `k8sName` turns any of them into a DNS-1123 `metadata.name` for CRDs.
 */
import { createHash } from 'node:crypto';

export const REST_PORT = 8000;
export const GRPC_PORT = 5001;
export const EXPLAINER_HTTP_PORT = 9000;
/** The Service annotation Ambassador 1.x reads Mappings from. */
export const SERVICE_CONFIG_ANNOTATION = 'getambassador.io/config';
export const GRPC_PREFIX = '/(seldon.protos.*|tensorflow.serving.*|inference.*)/.*';

/** Kubernetes Service names are DNS-1035 labels: at most 63 characters. */
const MAX_SERVICE_NAME = 63;

/** `<d>-<p>`, or `seldon-<md5 hex of it>` when longer than 63 characters (as Seldon Core). */
export function predictorServiceName(deployment: string, predictor: string): string {
  return shortenServiceName(`${deployment}-${predictor}`);
}

export function explainerServiceName(deployment: string, predictor: string): string {
  return shortenServiceName(`${deployment}-${predictor}-explainer`);
}

function shortenServiceName(name: string): string {
  if (name.length <= MAX_SERVICE_NAME) return name;
  return `seldon-${createHash('md5').update(name).digest('hex')}`;
}

export type Transport = 'rest' | 'grpc';

/**
 * Annotation-style Mapping name: `seldon_<ns>_<d>_<p>_<rest|grpc>_mapping`
 * (namespace omitted for the single-namespace set; `<p>-explainer` for explainers).
 */
export function mappingName(parts: {
  namespace?: string;
  deployment: string;
  predictor: string;
  explainer?: boolean;
  transport: Transport;
}): string {
  const p = parts.explainer ? `${parts.predictor}-explainer` : parts.predictor;
  const ns = parts.namespace === undefined ? '' : `${parts.namespace}_`;
  return `seldon_${ns}${parts.deployment}_${p}_${parts.transport}_mapping`;
}

/** One TLSContext per predictor; its Mappings' `tls` names it (consistent, unlike Seldon Core). */
export function tlsContextName(namespace: string, deployment: string, predictor: string): string {
  return `seldon_${namespace}_${deployment}_${predictor}_tls_config`;
}

/**
 * A DNS-1123 subdomain for `metadata.name`: `seldon_ns_d_p_rest_mapping` →
 * `seldon-ns-d-p-rest` (Seldon Core's v2 names). Names that are already valid are kept.
 */
export function k8sName(name: string): string {
  if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) && name.length <= 253) return name;
  let out = name.replace(/_mapping$/, '').toLowerCase();
  out = out.replace(/[^a-z0-9.-]+/g, '-').replace(/-{2,}/g, '-');
  out = out.replace(/^[-.]+|[-.]+$/g, '');
  if (out.length > 253)
    out = `${out.slice(0, 220)}-${createHash('md5').update(name).digest('hex').slice(0, 16)}`;
  return out || 'mapping';
}
