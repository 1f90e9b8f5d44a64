/**
 * The SeldonDeployment `status` sdep writes (Seldon Core's field names):
 * state Creating / Available / Failed, a human-readable description (every
 * validation error with its field path), and per-Deployment replicas. Pure.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { isError } from '../core/diagnostic.js';
import type { KubeObject } from './kube-object.js';

export type DeploymentState = 'Creating' | 'Available' | 'Failed';

export interface PredictorStatus {
  name: string;
  predictor: string;
  replicas: number;
  availableReplicas: number;
}

export interface SdepStatus {
  state: DeploymentState;
  description?: string;
  deploymentStatus?: Record<string, PredictorStatus>;
  replicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

/** `path: message [CODE]` per error, joined; the resource label is implied by the object. */
export function describeErrors(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .filter(isError)
    .map((d) => `${d.path || '(resource)'}: ${d.message} [${d.code}]`)
    .join('; ');
}

export function failedStatus(description: string, generation?: number): SdepStatus {
  return {
    state: 'Failed',
    description,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}

export interface WantedDeployment {
  name: string;
  predictor: string;
  replicas: number;
}

/** From the Deployments we want and what the API says about them. */
export function workloadStatus(
  wanted: readonly WantedDeployment[],
  observed: ReadonlyMap<string, KubeObject>,
  generation?: number,
): SdepStatus {
  const deploymentStatus: Record<string, PredictorStatus> = {};
  let replicas = 0;
  let available = 0;
  let ready = true;
  for (const w of wanted) {
    const o = observed.get(w.name);
    const st = (o?.status ?? {}) as { availableReplicas?: number; updatedReplicas?: number };
    const spec = (o?.spec ?? {}) as { replicas?: number };
    const avail = Math.min(st.availableReplicas ?? 0, w.replicas);
    // Rolled out: the API holds our replica count and enough replicas are available.
    const rolled = o !== undefined && spec.replicas === w.replicas && avail >= w.replicas;
    if (!rolled) ready = false;
    deploymentStatus[w.name] = {
      name: w.name,
      predictor: w.predictor,
      replicas: w.replicas,
      availableReplicas: avail,
    };
    replicas += w.replicas;
    available += avail;
  }
  return {
    state: ready ? 'Available' : 'Creating',
    deploymentStatus,
    replicas,
    availableReplicas: available,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}
