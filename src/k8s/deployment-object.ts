/**
 * One apps/v1 Deployment per predictor: the predictor's component
 * containers plus the sdep executor container (`sdep unit`), which serves
 * the predictor's REST (8000) and gRPC (5001) ports, answers /ready and
 * /live, and calls the components on localhost. Pure.
 */
import type { Container, DeploymentSpec, EnvVar, PredictorSpec } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { fieldPath } from '../core/diagnostic.js';
import { stableHash } from '../local/stable-hash.js';
import {
  type ComponentPorts,
  componentPorts,
  EXECUTOR_GRPC_PORT,
  EXECUTOR_REST_PORT,
} from './component-ports.js';
import { configMapName, UNIT_DOCUMENT_DIR, UNIT_DOCUMENT_KEY } from './configmap-object.js';
import type { K8sOptions } from './k8s-options.js';
import type { KubeObject } from './kube-object.js';
import { predictorLabels, selectorLabels } from './labels.js';
import { withOwner } from './owner-refs.js';
import { unitDocument } from './unit-document.js';

type Doc = Record<string, unknown>;

export const EXECUTOR_CONTAINER = 'sdep-executor';
const CONFIG_VOLUME = 'sdep-deployment';
/** Pod template annotation: the unit document's hash, so pods roll when the ConfigMap changes. */
export const UNIT_HASH_ANNOTATION = 'sdep.seldon.io/unit-hash';

const DEFAULT_EXECUTOR_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' } };

function executorContainer(d: DeploymentSpec, p: PredictorSpec, opts: K8sOptions): Doc {
  const orch = (p.svcOrchSpec ?? {}) as Doc;
  const resources = (orch.resources as Doc | undefined) ?? p.engineResources ?? DEFAULT_EXECUTOR_RESOURCES;
  const env: EnvVar[] = [
    { name: 'SELDON_DEPLOYMENT_ID', value: d.name },
    { name: 'PREDICTOR_ID', value: p.name },
    ...((orch.env as EnvVar[] | undefined) ?? []),
  ];
  return compact({
    name: EXECUTOR_CONTAINER,
    image: opts.image,
    imagePullPolicy: opts.imagePullPolicy,
    // The image's entrypoint is `sdep`; these are its arguments.
    args: [
      'unit',
      '--deployment',
      `${UNIT_DOCUMENT_DIR}/${UNIT_DOCUMENT_KEY}`,
      '--predictor',
      p.name,
      '--port',
      String(EXECUTOR_REST_PORT),
      '--grpc-port',
      String(EXECUTOR_GRPC_PORT),
      '--host',
      '0.0.0.0',
    ],
    env,
    ports: [
      { name: 'http', containerPort: EXECUTOR_REST_PORT, protocol: 'TCP' },
      { name: 'grpc', containerPort: EXECUTOR_GRPC_PORT, protocol: 'TCP' },
    ],
    readinessProbe: {
      httpGet: { path: '/ready', port: 'http' },
      initialDelaySeconds: 1,
      periodSeconds: 5,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/live', port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 3,
    },
    resources,
    volumeMounts: [{ name: CONFIG_VOLUME, mountPath: UNIT_DOCUMENT_DIR, readOnly: true }],
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
  });
}

function componentEnv(d: DeploymentSpec, p: PredictorSpec, c: Container, cp: ComponentPorts): EnvVar[] {
  const grpc = cp.node.endpoint.type === 'GRPC';
  const ours: EnvVar[] = [
    // Read by Seldon's Python wrapper (older images read only PREDICTIVE_UNIT_SERVICE_PORT).
    { name: 'PREDICTIVE_UNIT_SERVICE_PORT', value: String(grpc ? cp.grpc : cp.http) },
    { name: 'PREDICTIVE_UNIT_HTTP_SERVICE_PORT', value: String(cp.http) },
    { name: 'PREDICTIVE_UNIT_GRPC_SERVICE_PORT', value: String(cp.grpc) },
    { name: 'PREDICTIVE_UNIT_ID', value: c.name },
    { name: 'PREDICTOR_ID', value: p.name },
    { name: 'SELDON_DEPLOYMENT_ID', value: d.name },
  ];
  if (c.image) ours.push({ name: 'PREDICTIVE_UNIT_IMAGE', value: c.image });
  if (cp.node.parameters.length) {
    const params = cp.node.parameters.map((x) => ({ name: x.name, value: x.value, type: x.type }));
    ours.push({ name: 'PREDICTIVE_UNIT_PARAMETERS', value: JSON.stringify(params) });
  }
  const user = c.env ?? [];
  const userNames = new Set(user.map((e) => e.name));
  // The user's own value for a variable wins.
  return [...user, ...ours.filter((e) => !userNames.has(e.name))];
}

function componentContainer(d: DeploymentSpec, p: PredictorSpec, c: Container, cp?: ComponentPorts): Doc {
  const extra = c.extra ?? {};
  const base: Doc = {
    ...extra,
    name: c.name,
    image: c.image,
    command: c.command,
    args: c.args,
    env: cp ? componentEnv(d, p, c, cp) : c.env,
    ports: c.ports,
    workingDir: c.workingDir,
    resources: c.resources,
  };
  if (cp && !cp.declared) {
    base.ports = [
      { name: `c${cp.index}-http`, containerPort: cp.http, protocol: 'TCP' },
      { name: `c${cp.index}-grpc`, containerPort: cp.grpc, protocol: 'TCP' },
    ];
  }
  if (cp && extra.readinessProbe === undefined) {
    const port = cp.node.endpoint.type === 'GRPC' ? cp.grpc : cp.http;
    base.readinessProbe = { tcpSocket: { port }, initialDelaySeconds: 1, periodSeconds: 5 };
  }
  return compact(base);
}

/** Pod-spec fields from every componentSpec: lists are concatenated, the first value of anything else wins. */
function mergedPodExtras(p: PredictorSpec): Doc {
  const out: Doc = {};
  for (const cs of p.componentSpecs) {
    for (const [k, v] of Object.entries(cs.spec.extra ?? {})) {
      const prev = out[k];
      if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v];
      else if (prev === undefined) out[k] = v;
    }
  }
  return out;
}

function componentMetadata(p: PredictorSpec): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const cs of p.componentSpecs) {
    Object.assign(labels, cs.metadata?.labels ?? {});
    Object.assign(annotations, cs.metadata?.annotations ?? {});
  }
  return { labels, annotations };
}

export interface DeploymentObjectResult {
  object: KubeObject;
  diagnostics: Diagnostic[];
}

export function deploymentObject(
  d: DeploymentSpec,
  p: PredictorSpec,
  pIndex: number,
  serviceName: string,
  opts: K8sOptions,
  resource: string,
): DeploymentObjectResult {
  const diagnostics: Diagnostic[] = [];
  const ports = componentPorts(p);
  const containers: Doc[] = [];
  p.componentSpecs.forEach((cs, ci) => {
    cs.spec.containers.forEach((c, k) => {
      for (const port of c.ports ?? []) {
        if (port.containerPort === EXECUTOR_REST_PORT || port.containerPort === EXECUTOR_GRPC_PORT) {
          diagnostics.push({
            code: 'SDEP_K8S_PORT_CONFLICT',
            severity: 'error',
            resource,
            path: fieldPath([
              'spec',
              'predictors',
              pIndex,
              'componentSpecs',
              ci,
              'spec',
              'containers',
              k,
              'ports',
            ]),
            message: `container "${c.name}" uses port ${port.containerPort}, which the sdep executor serves on`,
          });
        }
      }
      containers.push(componentContainer(d, p, c, ports.get(c.name)));
    });
  });
  containers.push(executorContainer(d, p, opts));

  const extras = mergedPodExtras(p);
  const volumes = [
    ...((extras.volumes as Doc[] | undefined) ?? []),
    { name: CONFIG_VOLUME, configMap: { name: configMapName(serviceName) } },
  ];
  const meta = componentMetadata(p);
  const labels = predictorLabels(d, p, serviceName);
  const object: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: serviceName, namespace: d.namespace, labels, ...withOwner(d) },
    spec: {
      replicas: p.replicas,
      selector: { matchLabels: selectorLabels(d, serviceName) },
      template: {
        metadata: {
          labels: { ...meta.labels, ...labels },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': String(EXECUTOR_REST_PORT),
            ...meta.annotations,
            [UNIT_HASH_ANNOTATION]: stableHash(unitDocument(d, p)),
          },
        },
        spec: { ...extras, containers, volumes },
      },
    },
  };
  return { object, diagnostics };
}

function compact(o: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
