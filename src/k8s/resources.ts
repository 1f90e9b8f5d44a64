/** The API resources sdep reads and writes, and their REST paths. */
import type { AmbassadorApi } from './k8s-options.js';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

export const SELDON_DEPLOYMENTS: ResourceType = {
  group: 'machinelearning.seldon.io',
  version: 'v1',
  kind: 'SeldonDeployment',
  plural: 'seldondeployments',
};
export const DEPLOYMENTS: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
};
export const SERVICES: ResourceType = { group: '', version: 'v1', kind: 'Service', plural: 'services' };
export const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
};
export const LEASES: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
};

export function mappings(api: Exclude<AmbassadorApi, 'v1'>): ResourceType {
  return { group: 'getambassador.io', version: api, kind: 'Mapping', plural: 'mappings' };
}

export function tlsContexts(api: Exclude<AmbassadorApi, 'v1'>): ResourceType {
  return { group: 'getambassador.io', version: api, kind: 'TLSContext', plural: 'tlscontexts' };
}

/** Every kind the operator creates for a SeldonDeployment, in apply order (config before workloads). */
export function ownedResources(api: AmbassadorApi): ResourceType[] {
  const base = [CONFIG_MAPS, DEPLOYMENTS, SERVICES];
  return api === 'v1' ? base : [...base, tlsContexts(api), mappings(api)];
}

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `/api/v1/namespaces/ns/services[/name][/sub]`, or cluster-wide without a namespace. */
export function resourcePath(r: ResourceType, namespace?: string, name?: string, sub?: string): string {
  let path = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${r.plural}`;
  if (name) path += `/${encodeURIComponent(name)}`;
  if (sub) path += `/${sub}`;
  return path;
}

/** The resource type of an object we built, by apiVersion and kind. */
export function resourceOf(apiVersion: string, kind: string, api: AmbassadorApi): ResourceType | undefined {
  return ownedResources(api).find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}
