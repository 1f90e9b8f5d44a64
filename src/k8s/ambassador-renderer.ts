/**
 * What k8s/ needs from ambassador/: compile a deployment to Mappings, and
 * render them in the three output forms. An interface so the desired state
 * stays a pure function of its inputs; ambassador-adapter.ts binds it to
 * the real compiler.
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
  /** `getambassador.io/config` annotation text (`apiVersion: ambassador/v1`, multi-document YAML). */
  annotation(mappings: readonly Mapping[], tlsContexts: readonly TLSContext[]): string;
  mappingResource(m: Mapping, api: CrdApi): KubeObject;
  tlsContextResource(t: TLSContext, api: CrdApi): KubeObject;
}
