/** What shapes the desired objects beyond the SeldonDeployment itself. */
export type AmbassadorApi = 'v1' | 'v2' | 'v3alpha1';

export const AMBASSADOR_APIS: readonly AmbassadorApi[] = ['v1', 'v2', 'v3alpha1'];

export interface K8sOptions {
  /** The sdep image; its executor container runs `sdep unit`. */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** v1: `getambassador.io/config` annotation on the Service; v2/v3alpha1: Mapping resources. */
  ambassadorApi: AmbassadorApi;
  /** Seldon's singleNamespace: also emit `/seldon/<name>/` Mappings. */
  singleNamespace: boolean;
}

export const DEFAULT_IMAGE = 'ghcr.io/sdep/sdep:0.1.0';

export function defaultK8sOptions(over: Partial<K8sOptions> = {}): K8sOptions {
  return { image: DEFAULT_IMAGE, ambassadorApi: 'v1', singleNamespace: false, ...over };
}
