/** k8s/: desired Kubernetes objects (pure), the operator loop and its API client. */
export { ambassadorRenderer } from './ambassador-adapter.js';
export type { AmbassadorRenderer, CrdApi } from './ambassador-renderer.js';
export { CODES as K8S_CODES } from './codes.js';
export { CRD_VERSIONS, seldonDeploymentCrd, seldonDeploymentCrdYaml } from './crd-manifest.js';
export { type DesiredState, desiredState } from './desired-objects.js';
export {
  AMBASSADOR_APIS,
  type AmbassadorApi,
  DEFAULT_IMAGE,
  defaultK8sOptions,
  type K8sOptions,
} from './k8s-options.js';
export { FIELD_MANAGER, httpKubeClient, type KubeClient, type KubeList } from './kube-client.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './kube-object.js';
export { type LeaderElectionOptions, LeaderElector } from './leader-election.js';
export { shortName } from './names.js';
export { type LeaderElectionConfig, Operator, type OperatorLog, type OperatorOptions } from './operator.js';
export { type Plan, planChanges, withDesiredHash } from './reconcile.js';
export { type KubernetesRender, renderKubernetes } from './render-kubernetes.js';
export type { DeploymentState, SdepStatus } from './status.js';
