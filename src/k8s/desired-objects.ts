/**
 * DeploymentSpec → every Kubernetes object sdep wants for it: per predictor
 * a ConfigMap (the unit document), a Deployment and a Service; the Ambassador
 * configuration either in the Service annotation (v1) or as Mapping and
 * TLSContext resources (v2, v3alpha1). Pure: same input, same objects, in a
 * stable order.
 */

import { ANNOTATIONS } from '../ambassador/annotations.js';
import type { AmbassadorConfig } from '../ambassador/mapping.js';
import { predictorServiceName } from '../ambassador/names.js';
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { resourceLabel } from '../api/deployment-spec.js';
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import type { AmbassadorRenderer, CrdApi } from './ambassador-renderer.js';
import { configMapObject } from './configmap-object.js';
import { deploymentObject } from './deployment-object.js';
import type { K8sOptions } from './k8s-options.js';
import type { KubeObject } from './kube-object.js';
import { deploymentLabels, predictorLabels } from './labels.js';
import { withOwner } from './owner-refs.js';
import { serviceObject } from './service-object.js';
import type { WantedDeployment } from './status.js';

export interface DesiredState {
  objects: KubeObject[];
  diagnostics: Diagnostic[];
  /** The Deployments and their replica counts, for status. */
  deployments: WantedDeployment[];
}

/** The backend Service name the compiler gave this predictor (it also names the Deployment). */
export function serviceNameOf(
  d: DeploymentSpec,
  p: PredictorSpec,
  services: readonly { name: string; origin: { predictor?: string; explainer?: boolean } }[] | undefined,
): string {
  const s = services?.find((x) => x.origin.predictor === p.name && !x.origin.explainer);
  return s?.name ?? predictorServiceName(d.name, p.name);
}

function ownedBy<T extends { origin?: { predictor?: string; explainer?: boolean } }>(
  items: readonly T[],
  p: PredictorSpec | undefined,
): T[] {
  return items.filter((x) => !x.origin?.explainer && x.origin?.predictor === p?.name);
}

function withoutExplainers(config: AmbassadorConfig): AmbassadorConfig {
  return {
    mappings: config.mappings.filter((m) => !m.origin?.explainer),
    tlsContexts: config.tlsContexts.filter((t) => !t.origin?.explainer),
    services: config.services?.filter((s) => !s.origin.explainer),
  };
}

function labelled(o: KubeObject, d: DeploymentSpec, labels: Record<string, string>): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      namespace: o.metadata.namespace ?? d.namespace,
      labels: { ...o.metadata.labels, ...labels },
      ...withOwner(d),
    },
  };
}

export function desiredState(d: DeploymentSpec, opts: K8sOptions, amb: AmbassadorRenderer): DesiredState {
  const resource = resourceLabel(d);
  const { config, diagnostics: compiled } = amb.compile(d, opts.singleNamespace);
  const diagnostics: Diagnostic[] = [...compiled];
  const explainerMappings = config.mappings.filter((m) => m.origin?.explainer);
  if (explainerMappings.length) {
    diagnostics.push({
      code: 'SDEP_K8S_EXPLAINER_UNSUPPORTED',
      severity: 'warning',
      resource,
      path: 'spec.predictors',
      message: 'explainers are not deployed in Kubernetes mode; their Mappings are left out',
    });
  }
  // Mappings of the whole deployment (a custom seldon.io/ambassador-config) go with the first predictor.
  const shared = ownedBy(config.mappings, undefined);
  const sharedTls = ownedBy(config.tlsContexts, undefined);

  // The v1 form: the renderer spreads the Mappings over the predictor Services as Seldon Core does.
  const annotations =
    opts.ambassadorApi === 'v1' ? amb.serviceAnnotations(withoutExplainers(config)) : undefined;
  const configMaps: KubeObject[] = [];
  const deployments: KubeObject[] = [];
  const services: KubeObject[] = [];
  const tls: KubeObject[] = [];
  const mappings: KubeObject[] = [];
  const wanted: WantedDeployment[] = [];

  d.predictors.forEach((p, i) => {
    const svc = serviceNameOf(d, p, config.services);
    const labels = predictorLabels(d, p, svc);
    configMaps.push(configMapObject(d, p, svc));
    const dep = deploymentObject(d, p, i, svc, opts, resource);
    diagnostics.push(...dep.diagnostics);
    deployments.push(dep.object);
    wanted.push({ name: svc, predictor: p.name, replicas: p.replicas });
    if (opts.ambassadorApi === 'v1') {
      services.push(serviceObject(d, p, svc, annotations?.get(svc)));
      return;
    }
    services.push(serviceObject(d, p, svc));
    const api: CrdApi = opts.ambassadorApi;
    for (const t of ownedBy(config.tlsContexts, p))
      tls.push(labelled(amb.tlsContextResource(t, api), d, labels));
    for (const m of ownedBy(config.mappings, p))
      mappings.push(labelled(amb.mappingResource(m, api), d, labels));
  });
  if (opts.ambassadorApi !== 'v1') {
    // An object may only be owned from its own namespace (else the garbage collector deletes it,
    // and the operator, listing the deployment's namespace, would never see it as applied).
    for (const x of [...shared, ...sharedTls]) {
      if (x.namespace === undefined || x.namespace === d.namespace) continue;
      diagnostics.push({
        code: 'SDEP_K8S_CROSS_NAMESPACE',
        severity: 'error',
        resource,
        path: fieldPath(['spec', 'annotations', ANNOTATIONS.config]),
        message: `${'hosts' in x ? 'TLSContext' : 'Mapping'} ${JSON.stringify(x.name)} names namespace ${JSON.stringify(x.namespace)}; as a ${opts.ambassadorApi} resource it must be in the SeldonDeployment's namespace ${JSON.stringify(d.namespace)} (drop its namespace field)`,
      });
    }
    // Shared objects carry the deployment's labels, not a predictor's.
    const api: CrdApi = opts.ambassadorApi;
    for (const t of sharedTls) tls.push(labelled(amb.tlsContextResource(t, api), d, deploymentLabels(d)));
    for (const m of shared) mappings.push(labelled(amb.mappingResource(m, api), d, deploymentLabels(d)));
  }

  return {
    objects: [...configMaps, ...deployments, ...services, ...tls, ...mappings],
    diagnostics,
    deployments: wanted,
  };
}
