/**
 * What k8s/ needs from ambassador/: compile a deployment to Mappings, and
 * render them in the three output forms. An interface so the desired state
 * can be tested with the real compiler or a stub; ambassador-adapter.ts
 * binds it to the real one.
 */

import type { AmbassadorConfig, Mapping, TLSContext } from '../ambassador/mapping.js';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { KubeObject } from './kube-object.js';

export type CrdApi = 'v2' | 'v3alpha1';

export interface AmbassadorRenderer {
  compile(
    d: DeploymentSpec,
    singleNamespace: boolean,
  ): { config: AmbassadorConfig; diagnostics: Diagnostic[] };
  /** Backend Service name → its `getambassador.io/config` annotation text (the v1 form). */
  serviceAnnotations(config: AmbassadorConfig): Map<string, string>;
  mappingResource(m: Mapping, api: CrdApi): KubeObject;
  tlsContextResource(t: TLSContext, api: CrdApi): KubeObject;
}
