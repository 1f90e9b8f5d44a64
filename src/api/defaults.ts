/**
 * Raw (validated) document → DeploymentSpec with Seldon's defaults applied:
 * namespace `default`, predictor `labels.version` = its name, node types
 * resolved, endpoints typed from spec.transport, replicas predictor ?? spec
 * ?? 1, parameters parsed. Only called on documents without errors.
 */
import type {
  ComponentSpec,
  Container,
  DeploymentSpec,
  EndpointType,
  ExplainerSpec,
  GraphNode,
  NodeEndpoint,
  Parameter,
  PredictorSpec,
  SourceRef,
  Transport,
} from './deployment-spec.js';
import { effectiveImplementation } from './known-implementations.js';
import { resolveNodeType } from './node-type.js';
import { parseParameterValue } from './parameter-value.js';
import { normalizeProtocol } from './protocol-name.js';
import type {
  RawComponentSpec,
  RawContainer,
  RawEndpoint,
  RawExplainer,
  RawGraphNode,
  RawPredictor,
  RawSeldonDeployment,
} from './schema.js';

const CONTAINER_FIELDS = new Set([
  'name',
  'image',
  'command',
  'args',
  'env',
  'ports',
  'workingDir',
  'resources',
]);

function split<T extends Record<string, unknown>>(
  obj: T,
  known: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.has(k)) extra[k] = v;
  return Object.keys(extra).length > 0 ? extra : undefined;
}

function withoutUndefined<T extends object>(obj: T): T {
  for (const k of Object.keys(obj) as (keyof T)[]) if (obj[k] === undefined) delete obj[k];
  return obj;
}

export function toContainer(c: RawContainer): Container {
  return withoutUndefined({
    name: c.name,
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    env: c.env?.map((e) => withoutUndefined({ name: e.name, value: e.value, valueFrom: e.valueFrom })),
    ports: c.ports?.map((p) =>
      withoutUndefined({ name: p.name, containerPort: p.containerPort, protocol: p.protocol }),
    ),
    workingDir: c.workingDir,
    resources: c.resources ? { ...c.resources } : undefined,
    extra: split(c, CONTAINER_FIELDS),
  });
}

function toComponentSpec(cs: RawComponentSpec): ComponentSpec {
  const meta = cs.metadata;
  return withoutUndefined({
    metadata: meta
      ? withoutUndefined({
          name: meta.name,
          labels: meta.labels ? { ...meta.labels } : undefined,
          annotations: meta.annotations ? { ...meta.annotations } : undefined,
        })
      : undefined,
    spec: withoutUndefined({
      containers: cs.spec.containers.map(toContainer),
      extra: split(cs.spec, new Set(['containers'])),
    }),
    replicas: cs.replicas,
    hpaSpec: cs.hpaSpec,
  });
}

function toEndpoint(e: RawEndpoint | undefined, fallback: EndpointType): NodeEndpoint {
  return withoutUndefined({
    type: e?.type ?? fallback,
    service_host: e?.service_host,
    service_port: e?.service_port,
    httpPort: e?.httpPort,
    grpcPort: e?.grpcPort,
  });
}

function toParameters(node: RawGraphNode): Parameter[] {
  return (node.parameters ?? []).map((p) => {
    const parsed = parseParameterValue(p.type, p.value);
    return { name: p.name, type: p.type, value: p.value, parsed: parsed.ok ? parsed.value : undefined };
  });
}

function toGraphNode(node: RawGraphNode, endpointType: EndpointType): GraphNode {
  return withoutUndefined({
    name: node.name,
    type: resolveNodeType(node),
    implementation: effectiveImplementation(node.implementation),
    modelUri: node.modelUri,
    endpoint: toEndpoint(node.endpoint, endpointType),
    parameters: toParameters(node),
    children: (node.children ?? []).map((c) => toGraphNode(c, endpointType)),
    logger: node.logger?.mode
      ? withoutUndefined({ url: node.logger.url, mode: node.logger.mode })
      : undefined,
    methods: node.methods ? [...node.methods] : undefined,
    envSecretRefName: node.envSecretRefName,
    serviceAccountName: node.serviceAccountName,
  });
}

function toExplainer(e: RawExplainer | undefined, endpointType: EndpointType): ExplainerSpec | undefined {
  // Seldon reads an explainer without a type as "no explainer".
  if (!e?.type) return undefined;
  return withoutUndefined({
    type: e.type,
    modelUri: e.modelUri,
    containerSpec: e.containerSpec ? toContainer(e.containerSpec) : undefined,
    endpoint: e.endpoint ? toEndpoint(e.endpoint, endpointType) : undefined,
    config: e.config ? { ...e.config } : undefined,
    replicas: e.replicas,
  });
}

function toPredictor(p: RawPredictor, raw: RawSeldonDeployment, transport: Transport): PredictorSpec {
  const endpointType: EndpointType = transport === 'grpc' ? 'GRPC' : 'REST';
  return withoutUndefined({
    name: p.name,
    graph: toGraphNode(p.graph, endpointType),
    componentSpecs: (p.componentSpecs ?? []).map(toComponentSpec),
    replicas: p.replicas ?? raw.spec.replicas ?? 1,
    traffic: p.traffic,
    shadow: p.shadow === true,
    labels: { ...p.labels, version: p.labels?.version ?? p.name },
    annotations: { ...p.annotations },
    explainer: toExplainer(p.explainer, endpointType),
    ssl: p.ssl ? { ...p.ssl } : undefined,
    svcOrchSpec: p.svcOrchSpec ? { ...p.svcOrchSpec } : undefined,
    engineResources: p.engineResources ? { ...p.engineResources } : undefined,
  });
}

export function toDeploymentSpec(raw: RawSeldonDeployment, source: SourceRef): DeploymentSpec {
  const transport: Transport = raw.spec.transport ?? 'rest';
  return withoutUndefined({
    source: { ...source },
    apiVersion: raw.apiVersion,
    name: raw.metadata.name,
    namespace: raw.metadata.namespace || 'default',
    uid: raw.metadata.uid,
    labels: { ...raw.metadata.labels },
    annotations: { ...raw.metadata.annotations, ...raw.spec.annotations },
    specName: raw.spec.name,
    protocol: normalizeProtocol(raw.spec.protocol),
    transport,
    replicas: raw.spec.replicas,
    predictors: raw.spec.predictors.map((p) => toPredictor(p, raw, transport)),
  });
}
