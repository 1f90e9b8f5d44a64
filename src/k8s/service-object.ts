/**
 * One v1 Service per predictor, named as the compiler names the Mapping
 * backend (`<d>-<p>`, shortened when long), with the executor's REST and
 * gRPC ports. In the v1 Ambassador form it carries the predictor's Mappings
 * in the `getambassador.io/config` annotation. Pure.
 */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { EXECUTOR_GRPC_PORT, EXECUTOR_REST_PORT } from './component-ports.js';
import type { KubeObject } from './kube-object.js';
import { predictorLabels, selectorLabels } from './labels.js';
import { withOwner } from './owner-refs.js';

export const AMBASSADOR_CONFIG_ANNOTATION = 'getambassador.io/config';

export function serviceObject(
  d: DeploymentSpec,
  p: PredictorSpec,
  serviceName: string,
  ambassadorConfig?: string,
): KubeObject {
  const annotations = ambassadorConfig ? { [AMBASSADOR_CONFIG_ANNOTATION]: ambassadorConfig } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceName,
      namespace: d.namespace,
      labels: predictorLabels(d, p, serviceName),
      ...(annotations ? { annotations } : {}),
      ...withOwner(d),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(d, serviceName),
      ports: [
        { name: 'http', port: EXECUTOR_REST_PORT, targetPort: 'http', protocol: 'TCP' },
        { name: 'grpc', port: EXECUTOR_GRPC_PORT, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      ],
    },
  };
}
