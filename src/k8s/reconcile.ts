/**
 * Desired vs observed → what to send. Pure: the operator lists what it owns
 * (by label), calls this, and sends exactly the plan. An object is applied
 * when it is missing, when its desired hash changed (this also catches
 * fields we stopped setting), or when someone changed a field we own
 * (drift); it is deleted when it is ours and no longer desired. Nothing
 * else is sent, so reconciling an unchanged resource writes nothing.
 */
import { stableHash } from '../local/stable-hash.js';
import { type KubeObject, objectKey } from './kube-object.js';
import { HASH_ANNOTATION, MANAGED_BY, MANAGER } from './labels.js';
import { contains } from './object-contains.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface Plan {
  apply: KubeObject[];
  delete: ObjectRef[];
  /** Desired objects already as wanted. */
  unchanged: KubeObject[];
}

/** The desired object with its content hash annotation, as it is applied. */
export function withDesiredHash(o: KubeObject): KubeObject {
  const hash = stableHash(o);
  return {
    ...o,
    metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [HASH_ANNOTATION]: hash } },
  };
}

function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Same object: kind, API group (versions of one group are one object), namespace and name. */
function identity(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${group(o.apiVersion)}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
}

export function isUpToDate(observed: KubeObject, desired: KubeObject): boolean {
  const want = desired.metadata.annotations?.[HASH_ANNOTATION];
  if (want === undefined || observed.metadata.annotations?.[HASH_ANNOTATION] !== want) return false;
  return contains(observed, desired);
}

/** `desired` must already carry hashes (withDesiredHash); `observed` is what the label selector listed. */
export function planChanges(desired: readonly KubeObject[], observed: readonly KubeObject[]): Plan {
  const seen = new Map(observed.map((o) => [identity(o), o]));
  const plan: Plan = { apply: [], delete: [], unchanged: [] };
  const wanted = new Set<string>();
  for (const d of desired) {
    const id = identity(d);
    wanted.add(id);
    const o = seen.get(id);
    if (o && isUpToDate(o, d)) plan.unchanged.push(d);
    else plan.apply.push(d);
  }
  for (const o of observed) {
    if (wanted.has(identity(o))) continue;
    // Only what we manage: a selector typo must never delete someone else's object.
    if (o.metadata.labels?.[MANAGED_BY] !== MANAGER) continue;
    plan.delete.push({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name,
    });
  }
  plan.delete.sort((a, b) => objectKey(refObject(a)).localeCompare(objectKey(refObject(b))));
  return plan;
}

function refObject(r: ObjectRef): Pick<KubeObject, 'kind' | 'metadata'> {
  return { kind: r.kind, metadata: { name: r.name, namespace: r.namespace } };
}
