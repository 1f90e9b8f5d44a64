/**
 * The SeldonDeployment CustomResourceDefinition sdep ships (deploy/10-crd.yaml):
 * group machinelearning.seldon.io, the three versions Seldon Core serves
 * (v1 stored; v1alpha2 and v1alpha3 share its schema, so no conversion is
 * needed), the status subresource the operator writes, and api/'s schema.
 * `npx tsx scripts/deploy-crd.ts --write` regenerates the file; a test keeps
 * it in sync. Pure.
 */
import { Document } from 'yaml';
import { seldonDeploymentOpenApiSchema } from '../api/crd-schema.js';
import type { KubeObject } from './kube-object.js';
import { SELDON_DEPLOYMENTS } from './resources.js';

export const CRD_VERSIONS = ['v1', 'v1alpha2', 'v1alpha3'] as const;

export function seldonDeploymentCrd(): KubeObject {
  const { group, plural, kind } = SELDON_DEPLOYMENTS;
  const schema = seldonDeploymentOpenApiSchema();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      labels: { 'app.kubernetes.io/name': 'sdep', 'app.kubernetes.io/part-of': 'sdep' },
    },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: 'seldondeployment',
        shortNames: ['sdep'],
      },
      versions: CRD_VERSIONS.map((name) => ({
        name,
        served: true,
        storage: name === 'v1',
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'State', type: 'string', jsonPath: '.status.state' },
          { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: schema },
      })),
    },
  };
}

export function seldonDeploymentCrdYaml(): string {
  const body = new Document(seldonDeploymentCrd(), { aliasDuplicateObjects: false }).toString({
    lineWidth: 0,
    indentSeq: false,
  });
  return (
    '# Generated from src/api/crd-schema.ts by `npx tsx scripts/deploy-crd.ts --write`; do not edit.\n' +
    '# A test (src/k8s/deploy-manifests.test.ts) fails when this file and the code disagree.\n' +
    `${body}`
  );
}
