/**
 * ownerReferences to the SeldonDeployment, so Kubernetes garbage-collects
 * what sdep created when the resource is deleted. Only possible with the
 * resource's uid: a file rendered offline has none, and gets none. Pure.
 */
import type { DeploymentSpec } from '../api/deployment-spec.js';
import type { OwnerReference } from './kube-object.js';

export const SDEP_GROUP = 'machinelearning.seldon.io';
export const SDEP_API_VERSION = `${SDEP_GROUP}/v1`;
export const SDEP_KIND = 'SeldonDeployment';

export function ownerReferences(d: Pick<DeploymentSpec, 'name' | 'uid'>): OwnerReference[] | undefined {
  if (!d.uid) return undefined;
  return [
    {
      apiVersion: SDEP_API_VERSION,
      kind: SDEP_KIND,
      name: d.name,
      uid: d.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

/** `{ownerReferences}` to spread into metadata, or nothing when there is no uid. */
export function withOwner(d: Pick<DeploymentSpec, 'name' | 'uid'>): { ownerReferences?: OwnerReference[] } {
  const refs = ownerReferences(d);
  return refs ? { ownerReferences: refs } : {};
}
