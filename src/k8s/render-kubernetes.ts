/**
 * `sdep render --k8s`: the objects the operator would apply for these
 * deployments, as a YAML stream (what `kubectl apply -f -` takes). Files
 * have no uid, so the objects carry no ownerReferences. A deployment whose
 * desired state has an error is left out (as the operator applies nothing
 * for it); its diagnostics are returned. Pure.
 */
import { Document } from 'yaml';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import { type Diagnostic, hasErrors } from '../core/diagnostic.js';
import { ambassadorRenderer } from './ambassador-adapter.js';
import type { AmbassadorRenderer } from './ambassador-renderer.js';
import { desiredState } from './desired-objects.js';
import type { K8sOptions } from './k8s-options.js';
import type { KubeObject } from './kube-object.js';

export interface KubernetesRender {
  objects: KubeObject[];
  yaml: string;
  diagnostics: Diagnostic[];
}

export function renderKubernetes(
  specs: readonly DeploymentSpec[],
  opts: K8sOptions,
  renderer: AmbassadorRenderer = ambassadorRenderer,
): KubernetesRender {
  const objects: KubeObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const d of specs) {
    const s = desiredState(d, opts, renderer);
    diagnostics.push(...s.diagnostics);
    if (!hasErrors(s.diagnostics)) objects.push(...s.objects);
  }
  const yaml = objects
    .map((o) => `---\n${new Document(o).toString({ lineWidth: 0, indentSeq: false })}`)
    .join('');
  return { objects, yaml, diagnostics };
}
