/**
 * Labels on every object sdep creates. `seldon-deployment-id` and
 * `seldon-app` are Seldon Core's own keys (dashboards and selectors written
 * for Seldon keep working); `app.kubernetes.io/managed-by: sdep` plus the
 * deployment id is the selector the operator lists by to find what it owns.
 * Pure.
 */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { labelValue } from './names.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'sdep';
export const DEPLOYMENT_ID = 'seldon-deployment-id';
export const SELDON_APP = 'seldon-app';
export const PREDICTOR = 'seldon-predictor';
/** Annotation holding a hash of the desired object: a changed hash means an apply is due. */
export const HASH_ANNOTATION = 'sdep.seldon.io/desired-hash';

/** The selector of everything sdep owns for one SeldonDeployment. */
export function ownedSelector(deploymentName: string): string {
  return `${MANAGED_BY}=${MANAGER},${DEPLOYMENT_ID}=${labelValue(deploymentName)}`;
}

/** Labels that select a predictor's pods (immutable once a Deployment exists). */
export function selectorLabels(d: DeploymentSpec, serviceName: string): Record<string, string> {
  return { [SELDON_APP]: serviceName, [DEPLOYMENT_ID]: labelValue(d.name) };
}

/** Labels on a predictor's objects: the predictor's own labels, then ours (ours win). */
export function predictorLabels(
  d: DeploymentSpec,
  p: PredictorSpec,
  serviceName: string,
): Record<string, string> {
  return {
    ...p.labels,
    [MANAGED_BY]: MANAGER,
    ...selectorLabels(d, serviceName),
    [PREDICTOR]: labelValue(p.name),
  };
}

/** Labels on deployment-wide objects (a custom Mapping, a TLSContext shared by predictors). */
export function deploymentLabels(d: DeploymentSpec): Record<string, string> {
  return { [MANAGED_BY]: MANAGER, [DEPLOYMENT_ID]: labelValue(d.name) };
}
