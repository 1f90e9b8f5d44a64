/** Diagnostic and error codes of k8s/: desired objects and the operator. */
export const CODES = {
  SDEP_K8S_PORT_CONFLICT:
    'a component container declares a port the sdep executor uses (8000 REST, 5001 gRPC)',
  SDEP_K8S_EXPLAINER_UNSUPPORTED:
    'warning: explainers are not deployed in Kubernetes mode; their Mappings are left out',
  SDEP_K8S_CROSS_NAMESPACE:
    'a Mapping or TLSContext of seldon.io/ambassador-config names another namespace: as a resource (--ambassador-api v2|v3alpha1) it must live in the SeldonDeployment namespace that owns it',
  SDEP_K8S_API: 'a Kubernetes API request failed; the reconcile is retried with exponential back-off',
  SDEP_K8S_CONFLICT: 'the Kubernetes API answered 409 Conflict (another writer); retried with back-off',
  SDEP_K8S_LEADERSHIP_LOST:
    'the operator lost its Lease (leader election) and stops so that another replica leads',
  SDEP_K8S_INVALID_RESOURCE:
    'a SeldonDeployment failed validation; its status is Failed with each field path and reason in description',
} as const;

export type K8sCode = keyof typeof CODES;
