/** The ConfigMap holding a predictor's unit document (see unit-document.ts). Pure. */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import type { KubeObject } from './kube-object.js';
import { predictorLabels } from './labels.js';
import { withOwner } from './owner-refs.js';
import { unitDocument } from './unit-document.js';

export const UNIT_DOCUMENT_KEY = 'deployment.json';
export const UNIT_DOCUMENT_DIR = '/etc/sdep';

export function configMapName(serviceName: string): string {
  // ConfigMap names may be 253 characters: the suffix never needs shortening.
  return `${serviceName}-sdep`;
}

export function configMapObject(d: DeploymentSpec, p: PredictorSpec, serviceName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(serviceName),
      namespace: d.namespace,
      labels: predictorLabels(d, p, serviceName),
      ...withOwner(d),
    },
    data: { [UNIT_DOCUMENT_KEY]: `${JSON.stringify(unitDocument(d, p), null, 2)}\n` },
  };
}
